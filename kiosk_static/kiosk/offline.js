/* The service worker's answer for a kiosk page it never cached while the server cannot be reached:
   count down and try again. */
let left = 10;
const out = document.getElementById("retry-in");
setInterval(() => {
  left -= 1;
  if (left <= 0) location.reload();
  else out.textContent = String(left);
}, 1000);
