/* Manager page core: session (role, CSRF, expiry), JSON API calls, colours, the alert beep. */
import { el as liveEl } from "/static/common/live.js";
import { mallTime, t } from "/static/manager/i18n.js";

export const state = { user: null, csrf: "", mall: null, zones: {}, stats: {}, spark: {} };
const LOGIN = "/login?next=/manager";

export function toLogin() { location.href = LOGIN; }

export async function session() {
  const who = await (await fetch("/api/v1/session", { cache: "no-store" })).json();
  if (!who.user) { toLogin(); return null; }
  state.user = who.user;
  state.csrf = who.csrf || "";
  return who.user;
}

/* GET or POST JSON; an expired session (401) goes back to login; other errors throw {status, body}. */
export async function api(path, opts) {
  opts = opts || {};
  const init = { method: opts.method || "GET", headers: { Accept: "application/json" }, cache: "no-store" };
  if (init.method !== "GET") {
    init.headers["Content-Type"] = "application/json";
    init.headers["X-CSRF-Token"] = state.csrf;
    init.body = JSON.stringify(opts.body || {});
  }
  const res = await fetch(path, init);
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (res.status === 401) { toLogin(); throw { status: 401, body }; }
  if (!res.ok) throw { status: res.status, body };
  return body;
}

export function errText(e) {
  if (e && e.body && e.body.detail) return e.body.detail;
  return "request failed" + (e && e.status ? " (" + e.status + ")" : "");
}

/* Occupancy share → colour: green (empty) through yellow to red (at capacity), dark red (light labels) above. */
export function colour(pct) {
  if (pct >= 100) return "#b3122e";
  const p = Math.max(0, Math.min(100, pct)) / 100;
  const hue = Math.round(140 * (1 - p));
  return "hsl(" + hue + ", 70%, 58%)";  // light enough for dark labels (WCAG AA) at every hue
}
export function band(pct) { return pct >= 100 ? 4 : pct >= 90 ? 3 : pct >= 80 ? 2 : pct >= 50 ? 1 : 0; }

export function el(tag, attrs, text) { return liveEl(tag, attrs, text); }
export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
/* Every time on the page is mall time, 24-hour (the header says which zone that is). */
export function fmtTime(ts) { return mallTime(ts, state.mall && state.mall.mall.timezone); }
export function fmtNum(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits === undefined ? 0 : digits); }

/* WebAudio beep: no audio files. Browsers allow sound only after a user gesture, so the context is
   created (or resumed) on the first click anywhere; until then the visible cue carries the alert. */
let audio = null;
let soundOn = true;
function unlockAudio(ev) {
  if (ev && ev.target && ev.target.closest && ev.target.closest("#sound")) return;
  try {
    if (!audio) audio = new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
  } catch (e) { audio = null; }
  updateSoundButton();
}
export function updateSoundButton() {
  const b = document.getElementById("sound");
  if (!b) return;
  const live = soundOn && audio && audio.state !== "closed";
  document.getElementById("sound-text").textContent = t(live ? "Sound on" : "Sound off");
  b.classList.toggle("on", !!live);
  b.setAttribute("aria-pressed", live ? "true" : "false");
}
export function beep(severity) {
  document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
  if (!soundOn || !audio) return;
  const freq = severity === "critical" ? 880 : severity === "warning" ? 660 : 520;
  const t = audio.currentTime;
  for (let i = 0; i < (severity === "critical" ? 3 : 2); i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t + i * 0.25);
    gain.gain.exponentialRampToValueAtTime(0.3, t + i * 0.25 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.25 + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(t + i * 0.25);
    osc.stop(t + i * 0.25 + 0.2);
  }
}
document.addEventListener("click", unlockAudio, { once: false, capture: true });
const soundButton = document.getElementById("sound");  // modules run once the page is parsed
if (soundButton) soundButton.addEventListener("click", () => {
  if (!audio) { soundOn = true; unlockAudio(); } else soundOn = !soundOn;
  updateSoundButton();
});

/* The session expires server-side (SESSION_MINUTES); check every minute so an idle screen returns to login. */
setInterval(async () => {
  try {
    const who = await (await fetch("/api/v1/session", { cache: "no-store" })).json();
    if (!who.user) toLogin();
  } catch (e) { /* offline: the socket status shows it */ }
}, 60000);

