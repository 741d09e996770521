"use strict";
(async function () {
  const zoneId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
  const mall = await (await fetch("/api/v1/mall")).json();
  const zones = Object.fromEntries(mall.zones.map((z) => [z.id, z]));
  const me = zones[zoneId];
  document.getElementById("zone-zh").textContent = me.name_zh;
  document.getElementById("zone-en").textContent = me.name_en;
  document.title = me.name_zh + " · " + me.name_en;
  const crowd = {};

  function showZone(p) {
    document.getElementById("occupancy").textContent = p.occupancy;
    document.getElementById("capacity").textContent = p.capacity;
    const fill = document.getElementById("meter-fill");
    fill.style.width = Math.min(100, p.pct) + "%";
    fill.className = "bg-" + p.level;
    const lv = document.getElementById("level");
    lv.textContent = Live.LEVEL_TEXT[p.level] + " · " + p.pct + "%";
    lv.className = "level lv-" + p.level;
  }
  function showOthers() {
    const ul = document.getElementById("others");
    const items = Object.values(crowd).filter((p) => p.zone !== zoneId && zones[p.zone] && zones[p.zone].floor === me.floor);
    ul.replaceChildren(...items.map((p) => {
      const li = Live.el("li", { "data-zone": p.zone });
      li.append(Live.el("span", {}, zones[p.zone].name_zh), Live.el("span", { class: "lv-" + p.level }, Live.LEVEL_TEXT[p.level]));
      return li;
    }));
  }
  Live.connect((s) => s.emit("subscribe", { zone: zoneId }), document.getElementById("conn"))
    .on("zone", (p) => { if (p.zone === zoneId) showZone(p); })
    .on("crowd", (m) => { for (const p of m.zones) crowd[p.zone] = p; showOthers(); });
})();
