/* Kiosk index: every zone by floor, with its live crowd level (links to each zone's kiosk). Zone names show in
   both languages; the connection pill and the crowd levels follow the kiosk language (中文 by default, the header
   button or ?lang=en switches), in the same words as a zone kiosk (kiosk/i18n.js). */
import { connect, el } from "/static/common/live.js";
import { lang, setLang, t } from "/static/kiosk/i18n.js";

const COLORS = { quiet: "#2fbf71", moderate: "#e5c21b", busy: "#f28c28", full: "#e5484d" };

const asked = new URLSearchParams(location.search).get("lang");
if (asked === "en" || asked === "zh") setLang(asked);

const mall = await (await fetch("/api/v1/mall")).json();
const root = document.getElementById("floors");
for (const f of mall.floors) {
  const sec = el("section", { class: "floor" });
  sec.append(el("h2", {}, f.name_zh + " · " + f.name_en));
  const tiles = el("div", { class: "tiles" });
  for (const z of mall.zones.filter((z) => z.floor === f.id)) {
    const a = el("a", { class: "tile", href: "/kiosk/" + z.id, "data-zone": z.id });
    a.append(document.createTextNode(z.name_zh), el("small", {}, z.name_en), el("small", { class: "occ" }, "–"));
    tiles.append(a);
  }
  sec.append(tiles);
  root.append(sec);
}

const conn = document.getElementById("conn");
let connKey = "connecting";  // the pill's state, redrawn in the other language on a switch
const levels = {};  // zone -> last crowd figure, redrawn on a switch
const words = (k) => { connKey = k; return t(k); };
conn.textContent = t(connKey);

const button = el("button", { type: "button", id: "lang", class: "index-lang" });
const tools = el("div", { class: "index-tools" });
tools.style.cssText = "display:flex; align-items:center; gap:12px;";
conn.replaceWith(tools);
tools.append(conn, button);

function drawLevel(p) {
  const a = root.querySelector(`a[data-zone="${p.zone}"]`);
  if (!a) return;
  a.style.borderLeftColor = COLORS[p.level];
  a.querySelector(".occ").textContent = `${p.occupancy} / ${p.capacity} · ${t("level")[p.level] || p.level}`;
}

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  button.textContent = lang === "zh" ? "EN" : "中文";
  conn.textContent = t(connKey);
  for (const p of Object.values(levels)) drawLevel(p);
}
button.addEventListener("click", () => { setLang(lang === "zh" ? "en" : "zh"); applyLang(); });
applyLang();

connect((s) => s.emit("subscribe", {}), conn, words).on("crowd", (m) => {
  for (const p of m.zones) { levels[p.zone] = p; drawLevel(p); }
});
