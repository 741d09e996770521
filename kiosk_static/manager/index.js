"use strict";
(async function () {
  const who = await (await fetch("/api/v1/session")).json();
  if (!who.user) { location.href = "/login?next=/manager"; return; }
  document.getElementById("who").textContent = who.user.name + " (" + who.user.role + ")";
  const mall = await (await fetch("/api/v1/mall")).json();
  const tbody = document.querySelector("#zones tbody");
  const rows = {};
  for (const z of mall.zones) {
    const tr = Live.el("tr", { "data-zone": z.id });
    tr.append(Live.el("td", {}, z.name_en + " · " + z.name_zh), Live.el("td", {}, String(z.floor)));
    for (const k of ["occupancy", "pct", "in_15m", "out_15m", "in_today"]) tr.append(Live.el("td", { class: "num", "data-k": k }, "–"));
    tbody.append(tr);
    rows[z.id] = tr;
  }
  const socket = Live.connect((s) => s.emit("subscribe_managers", {}, (ack) => {
    if (!ack || !ack.ok) location.href = "/login?next=/manager";
  }), document.getElementById("conn"));
  socket.on("zones", (m) => {
    for (const z of m.zones) {
      if (z.zone === "mall") {
        document.getElementById("mall-total").textContent = `In mall: ${z.occupancy} · entries today ${z.in_today}`;
        continue;
      }
      const tr = rows[z.zone];
      if (!tr) continue;
      for (const td of tr.querySelectorAll("td[data-k]")) td.textContent = z[td.dataset.k];
      tr.className = "lv-" + z.level;
    }
  });
  socket.on("cameras", (m) => {
    const on = m.cameras.filter((c) => c.online).length;
    document.getElementById("cams").textContent = `Cameras online: ${on} / ${m.cameras.length}`;
  });
})();
