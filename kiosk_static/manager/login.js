/* Login page: the error and "log in to continue" notices, and where to go next. */
const params = new URLSearchParams(location.search);
if (params.get("error")) document.getElementById("error").hidden = false;
document.getElementById("next").value = params.get("next") || "/manager";
if (params.get("next") && !params.get("error")) document.getElementById("notice").hidden = false;
