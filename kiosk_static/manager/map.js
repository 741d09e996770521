/* Floor map: one SVG per floor drawn from the mall config polygons (floor-plan metres); each zone is
   filled by its occupancy against capacity. Colours are set as SVG attributes from JS (strict CSP). */
import { centroid, el as svgEl } from "/static/common/svg.js";
import * as Mgr from "/static/manager/core.js";
import { lang, name as nameOf } from "/static/manager/i18n.js";

const shapes = {};
let onPick = () => {};
let selected = null;
let mallPlan = null;
const LABEL_M = 3.8;  // label size in floor metres: ≥ 12 px on screen at every supported width

/* The zone's name in the page's language, cut to its polygon's width (CJK about square, Latin about 0.56). */
function shortName(z) {
  const full = lang === "zh" ? z.name_zh : z.name_en.replace(/\s*[&(].*$/, "");
  const xs = z.polygon.map((p) => p[0]);
  const room = Math.max(...xs) - Math.min(...xs) - 2;
  let used = 0, out = "";
  for (const ch of full) {
    const w = (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.62) * LABEL_M;
    if (used + w > room) return out.trim() + "…";
    used += w; out += ch;
  }
  return out;
}

export function build(mall, pick) {
  onPick = pick;
  mallPlan = mall;
  const tabs = document.getElementById("floor-tabs");
  const maps = document.getElementById("maps");
  const floors = mall.floors.slice().sort((a, b) => a.id - b.id);
  floors.forEach((f, i) => {
    const tab = Mgr.el("button", { type: "button", role: "tab", class: "tab", "data-floor": String(f.id), "aria-selected": i === 0 ? "true" : "false" }, nameOf(f));
    tab.addEventListener("click", () => show(f.id));
    tabs.append(tab);
    const svg = svgEl("svg", { viewBox: "-2 -2 " + (f.width_m + 4) + " " + (f.depth_m + 4), class: "floor-map", "data-floor": String(f.id), role: "img", "aria-label": nameOf(f) || String(f.id) });
    svg.append(svgEl("rect", { x: "0", y: "0", width: String(f.width_m), height: String(f.depth_m), class: "floor-outline" }));
    for (const e of mall.entrances.filter((e) => e.floor === f.id)) {
      const c = svgEl("circle", { cx: String(e.position[0]), cy: String(e.position[1]), r: "2.2", class: "entrance" });
      const t = svgEl("title", {}); t.textContent = e.name_en + " · " + e.name_zh; c.append(t);
      svg.append(c);
    }
    for (const z of mall.zones.filter((z) => z.floor === f.id)) {
      const g = svgEl("g", { class: "zone", "data-zone": z.id, tabindex: "0", role: "button", "aria-label": z.name_en });
      const poly = svgEl("polygon", { points: z.polygon.map((p) => p.join(",")).join(" "), class: "zone-shape", "data-zone": z.id, fill: Mgr.colour(0) });
      const [cx, cy] = centroid(z.polygon);
      const name = svgEl("text", { x: String(cx), y: String(cy - 1), class: "zone-name", "text-anchor": "middle", "font-size": LABEL_M, "data-zone": z.id });
      name.textContent = shortName(z);
      const num = svgEl("text", { x: String(cx), y: String(cy + 4.2), class: "zone-num", "text-anchor": "middle", "data-zone": z.id, "font-size": LABEL_M });
      num.textContent = "0 · 0%";
      const title = svgEl("title", {}); title.textContent = z.name_en + " · " + z.name_zh;
      g.append(poly, name, num, title);
      g.addEventListener("click", () => onPick(z.id));
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); onPick(z.id); } });
      svg.append(g);
      shapes[z.id] = { g, poly, name, num };
    }
    if (i !== 0) svg.classList.add("hidden");
    maps.append(svg);
  });
}

export function show(floor) {
  for (const t of document.querySelectorAll("#floor-tabs .tab")) t.setAttribute("aria-selected", t.dataset.floor === String(floor) ? "true" : "false");
  for (const s of document.querySelectorAll("#maps svg")) s.classList.toggle("hidden", s.dataset.floor !== String(floor));
}

export function update(z) {
  const s = shapes[z.zone];
  if (!s) return;
  s.poly.setAttribute("fill", Mgr.colour(z.pct));
  s.g.classList.toggle("full", z.pct >= 100);  // the darkest fill takes light labels
  s.poly.dataset.band = String(Mgr.band(z.pct));
  s.num.textContent = z.occupancy + " · " + Math.round(z.pct) + "%";
}

export function select(zoneId, floor) {
  if (selected && shapes[selected]) shapes[selected].g.classList.remove("selected");
  selected = zoneId;
  if (zoneId && shapes[zoneId]) { shapes[zoneId].g.classList.add("selected"); if (floor !== undefined) show(floor); }
}

export function flag(zoneId, on) { if (shapes[zoneId]) shapes[zoneId].g.classList.toggle("alerting", on); }

/* Language changed: floor tabs and zone labels again. */
export function relabel() {
  if (!mallPlan) return;
  for (const tab of document.querySelectorAll("#floor-tabs .tab")) tab.textContent = nameOf(mallPlan.floors.find((f) => String(f.id) === tab.dataset.floor));
  for (const z of mallPlan.zones) if (shapes[z.id]) shapes[z.id].name.textContent = shortName(z);
}
