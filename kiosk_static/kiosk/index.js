/* Kiosk index: every zone by floor, with its live crowd level (links to each zone's kiosk). */
import { connect, el, LEVEL_TEXT } from "/static/common/live.js";

const COLORS = { quiet: "#2fbf71", moderate: "#e5c21b", busy: "#f28c28", full: "#e5484d" };

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
connect((s) => s.emit("subscribe", {}), document.getElementById("conn")).on("crowd", (m) => {
  for (const p of m.zones) {
    const a = root.querySelector(`a[data-zone="${p.zone}"]`);
    if (!a) continue;
    a.style.borderLeftColor = COLORS[p.level];
    a.querySelector(".occ").textContent = `${p.occupancy} / ${p.capacity} · ${LEVEL_TEXT[p.level]}`;
  }
});
