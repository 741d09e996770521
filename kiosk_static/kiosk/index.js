"use strict";
(async function () {
  const mall = await (await fetch("/api/v1/mall")).json();
  const root = document.getElementById("floors");
  for (const f of mall.floors) {
    const sec = Live.el("section", { class: "floor" });
    sec.append(Live.el("h2", {}, f.name_zh + " · " + f.name_en));
    const tiles = Live.el("div", { class: "tiles" });
    for (const z of mall.zones.filter((z) => z.floor === f.id)) {
      const a = Live.el("a", { class: "tile", href: "/kiosk/" + z.id, "data-zone": z.id });
      a.append(document.createTextNode(z.name_zh), Live.el("small", {}, z.name_en), Live.el("small", { class: "occ" }, "–"));
      tiles.append(a);
    }
    sec.append(tiles);
    root.append(sec);
  }
  const COLORS = { quiet: "#2fbf71", moderate: "#e5c21b", busy: "#f28c28", full: "#e5484d" };
  Live.connect((s) => s.emit("subscribe", {}), document.getElementById("conn")).on("crowd", (m) => {
    for (const p of m.zones) {
      const a = root.querySelector(`a[data-zone="${p.zone}"]`);
      if (!a) continue;
      a.style.borderLeftColor = COLORS[p.level];
      a.querySelector(".occ").textContent = `${p.occupancy} / ${p.capacity} · ${Live.LEVEL_TEXT[p.level]}`;
    }
  });
})();
