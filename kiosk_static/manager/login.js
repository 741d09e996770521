/* Login page: the error and "log in to continue" notices, where to go next, and the page's language (the
   same choice as the manager page's). */
import { applyStatic, lang, setLang } from "/static/manager/i18n.js";

const params = new URLSearchParams(location.search);
if (params.get("error")) document.getElementById("error").hidden = false;
document.getElementById("next").value = params.get("next") || "/manager";
if (params.get("next") && !params.get("error")) document.getElementById("notice").hidden = false;
applyStatic();
document.getElementById("lang").addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
