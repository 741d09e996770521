/* Manager page boot: who am I (manager sees everything, staff only the assistance inbox and counters),
   floor map, zone table (sort, filter), zone detail, live updates over Socket.IO. */
import { connect } from "/static/common/live.js";
import * as MgrCharts from "/static/manager/charts.js";
import * as Mgr from "/static/manager/core.js";
import * as MgrMap from "/static/manager/map.js";
import * as MgrPanels from "/static/manager/panels.js";
import { wireReport } from "/static/manager/report.js";
import "/static/manager/content.js";  // the kiosk content card starts itself once the page is ready
import "/static/manager/kiosks.js";  // the kiosks card (enrol, retire) starts itself once the page is ready
import { alertText, applyStatic, category, lang, mallOffset, mallTime, name, onLangChange, setLang, t } from "/static/manager/i18n.js";

const $ = (id) => document.getElementById(id);
const S = Mgr.state;
applyStatic();
$("lang").addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
const user = await Mgr.session();
if (user) await boot(user);

async function boot(user) {
  const isManager = user.role === "manager";
  document.body.classList.add("role-" + user.role);
  const renderWho = () => { $("who").textContent = t("{name} ({role})", { name: user.name, role: t(user.role) }); };
  renderWho();
  S.mall = await (await fetch("/api/v1/mall")).json();
  for (const z of S.mall.zones) S.zones[z.id] = z;
  const floorsById = Object.fromEntries(S.mall.floors.map((f) => [f.id, f]));
  const tz = S.mall.mall.timezone;
  const renderClock = () => {  // mall time, labelled, 24-hour: the clock every other time on the page follows
    $("mall-clock").textContent = t("Mall time") + " " + mallTime(Date.now() / 1000, tz, false) + " · " + mallOffset(tz);
    $("mall-clock").title = tz;
  };
  renderClock();
  setInterval(renderClock, 10000);

  MgrPanels.loadCounters();
  MgrPanels.loadAssist();

  // ---------------------------------------------------------------- zone table
  const tbody = document.querySelector("#zones tbody");
  const rows = {};
  let sortKey = "pct", sortDir = -1;
  if (isManager) {
    const floorSel = $("f-floor"), catSel = $("f-cat");
    for (const f of S.mall.floors) floorSel.append(Mgr.el("option", { value: String(f.id), "data-floor": String(f.id) }, name(f)));
    for (const c of [...new Set(S.mall.zones.map((z) => z.category))].sort()) catSel.append(Mgr.el("option", { value: c, "data-category": c }, category(S.mall, c)));
    for (const z of S.mall.zones) {
      S.stats[z.id] = { zone: z.id, occupancy: 0, pct: 0, in_15m: 0, trend: 0, level: "quiet", capacity: z.capacity };
      const tr = Mgr.el("tr", { "data-zone": z.id, "data-floor": String(z.floor), "data-category": z.category, tabindex: "0" });
      tr.append(Mgr.el("td", { title: z.name_en + " · " + z.name_zh, "data-k": "name" }, name(z)), Mgr.el("td", { "data-k": "floor" }, name(floorsById[z.floor])),
                Mgr.el("td", { class: "muted", "data-k": "category" }, category(S.mall, z.category)));
      for (const k of ["occupancy", "pct", "in_15m", "trend"]) tr.append(Mgr.el("td", { class: "num", "data-k": k }, "0"));
      const sp = Mgr.el("td", { class: "spark", "data-k": "spark" });
      tr.append(sp);
      tr.addEventListener("click", () => openDetail(z.id));
      tbody.append(tr);
      rows[z.id] = tr;
    }
    const applyFilter = () => {
      for (const z of S.mall.zones) {
        const show = (!floorSel.value || String(z.floor) === floorSel.value) && (!catSel.value || z.category === catSel.value);
        rows[z.id].hidden = !show;
      }
    };
    floorSel.addEventListener("change", applyFilter);
    catSel.addEventListener("change", applyFilter);
    for (const th of document.querySelectorAll("#zones th[data-sort]")) {
      th.addEventListener("click", () => {
        const k = th.dataset.sort;
        sortDir = sortKey === k ? -sortDir : (k === "name" || k === "floor" ? 1 : -1);
        sortKey = k;
        for (const o of document.querySelectorAll("#zones th[data-sort]")) o.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        sortTable();
      });
    }
    document.querySelector("#zones th[data-sort=pct]").setAttribute("aria-sort", "descending");
    MgrMap.build(S.mall, openDetail);
    S.openDetail = openDetail;
    MgrPanels.wireStaffing();
    MgrPanels.loadStaffing();
    MgrPanels.loadAlerts();
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: S.mall.mall.timezone }).format(new Date());
    MgrPanels.wireExport(today);
    const exZones = $("ex-zones");  // the export's zone picker: by floor, then the whole mall
    const drawZonePicker = () => {
      const groups = S.mall.floors.map((f) => {
        const g = Mgr.el("optgroup", { label: name(f) });
        for (const z of S.mall.zones.filter((z) => z.floor === f.id)) g.append(Mgr.el("option", { value: z.id }, name(z)));
        return g;
      });
      const chosen = new Set([...exZones.selectedOptions].map((o) => o.value));
      exZones.replaceChildren(Mgr.el("option", { value: "mall" }, t("Whole mall")), ...groups);
      for (const o of exZones.options) o.selected = chosen.has(o.value);
    };
    drawZonePicker();
    exZones.addEventListener("change", () => MgrPanels.setExportZones([...exZones.selectedOptions].map((o) => o.value)));
    onLangChange(drawZonePicker);
    wireReport();
    $("alert-badge").addEventListener("click", () => $("alerts-card").scrollIntoView({ behavior: "smooth" }));
    $("hist-toggle").addEventListener("click", () => { $("alert-history").hidden = !$("alert-history").hidden; });
    onLangChange(() => {  // names in the chosen language, without losing the sort, filters or the open zone
      for (const o of floorSel.options) if (o.dataset.floor) o.textContent = name(floorsById[o.dataset.floor]);
      for (const o of catSel.options) if (o.dataset.category) o.textContent = category(S.mall, o.dataset.category);
      for (const z of S.mall.zones) {
        setCell(rows[z.id], "name", name(z));
        setCell(rows[z.id], "floor", name(floorsById[z.floor]));
        setCell(rows[z.id], "category", category(S.mall, z.category));
      }
      if (current) $("d-name").textContent = name(S.zones[current]);
      MgrMap.relabel();
      MgrCharts.relabel();
      refreshDetail();
    });
  } else {
    for (const n of document.querySelectorAll("[data-role=manager]")) n.remove();
  }

  let sortPending = false;
  function sortTable() {
    sortPending = false;
    const val = (id) => {
      const z = S.zones[id], s = S.stats[id];
      if (sortKey === "name") return name(z);
      if (sortKey === "floor") return z.floor;
      return s[sortKey] || 0;
    };
    const ids = Object.keys(rows).sort((a, b) => {
      const va = val(a), vb = val(b);
      return (va < vb ? -1 : va > vb ? 1 : 0) * sortDir || (name(S.zones[a]) < name(S.zones[b]) ? -1 : 1);
    });
    for (const id of ids) tbody.append(rows[id]);
  }
  function scheduleSort() { if (!sortPending) { sortPending = true; setTimeout(sortTable, 1000); } }

  function setCell(tr, k, v) { const td = tr.querySelector("td[data-k=" + k + "]"); if (td) td.textContent = v; }

  let mallNow = null, camsNow = null;
  const renderMallTotal = () => { if (mallNow) $("mall-total").textContent = t("In mall: {n} · entries today {today}", { n: mallNow.occupancy, today: mallNow.in_today }); };
  const renderCams = () => { if (camsNow) $("cams").textContent = t("Cameras online: {on} / {all}", camsNow); };
  function applyZone(z) {
    if (z.zone === "mall") {
      mallNow = z;
      renderMallTotal();
      return;
    }
    const s = Object.assign(S.stats[z.zone] || {}, z);
    S.stats[z.zone] = s;
    MgrMap.update(z);
    const tr = rows[z.zone];
    if (tr) {
      setCell(tr, "occupancy", String(z.occupancy));
      setCell(tr, "pct", String(Math.round(z.pct)));
      setCell(tr, "in_15m", String(z.in_15m));
      tr.dataset.band = String(Mgr.band(z.pct));
    }
    if (current === z.zone) {
      $("d-occ").textContent = String(z.occupancy);
      $("d-pct").textContent = t("{pct} % of safe capacity", { pct: z.pct });
    }
  }

  // ---------------------------------------------------------------- sparklines and trend
  async function loadSparks() {
    try {
      const res = await Mgr.api("/api/v1/manager/sparklines");
      for (const [id, sp] of Object.entries(res.zones)) {
        if (!rows[id]) continue;
        S.stats[id].trend = sp.trend;
        const td = rows[id].querySelector("td[data-k=trend]");
        td.textContent = (sp.trend > 0 ? "+" : "") + sp.trend;  // the arrow is CSS (td.trend.up / .down / .flat)
        td.className = "num trend " + (sp.trend > 0 ? "up" : sp.trend < 0 ? "down" : "flat");
        MgrCharts.sparkline(rows[id].querySelector("td[data-k=spark]"), id, sp.entries);
      }
      scheduleSort();
    } catch (e) { /* retried on the next round */ }
  }
  async function loadFootfall() {
    try { MgrCharts.footfall(await Mgr.api("/api/v1/manager/footfall")); } catch (e) { /* next round */ }
  }

  // ---------------------------------------------------------------- zone detail
  let current = null;
  let detailChosen = false;
  async function openDetail(id) {
    current = id;
    detailChosen = true;
    const z = S.zones[id];
    MgrMap.select(id, z.floor);
    for (const tr of Object.values(rows)) tr.classList.toggle("selected", tr.dataset.zone === id);
    $("detail").hidden = false;
    $("d-name").textContent = name(z);
    await refreshDetail();
  }
  async function refreshDetail() {
    if (!current) return;
    const id = current;
    let d;
    try { d = await Mgr.api("/api/v1/manager/zones/" + encodeURIComponent(id)); } catch (e) { $("d-pct").textContent = Mgr.errText(e); return; }
    if (current !== id) return;
    $("d-occ").textContent = String(d.occupancy);
    $("d-cap").textContent = String(d.capacity);
    $("d-pct").textContent = t("{pct} % of safe capacity · {floor} · {category}", { pct: d.pct, floor: name(floorsById[d.floor]), category: category(S.mall, d.category) });
    $("d-in1h").textContent = String(d.in_1h);
    $("d-out1h").textContent = String(d.out_1h);
    $("d-lw-date").textContent = d.curve.last_week_date;
    MgrCharts.zoneCurve(d);
    const cams = $("d-cams");
    Mgr.clear(cams);
    for (const c of d.cameras) cams.append(Mgr.el("li", { class: c.online ? "on" : "off", "data-camera": c.camera },
      c.camera + " · " + (c.online ? t("online") : c.last_seen ? t("offline since {t}", { t: Mgr.fmtTime(c.last_seen) }) : t("offline (never reported)")) +
      (c.fps ? " · " + t("{fps} fps", { fps: Number(c.fps).toFixed(0) }) : "")));
    if (!d.cameras.length) cams.append(Mgr.el("li", { class: "muted" }, t("none")));
    const ks = $("d-kiosks");
    Mgr.clear(ks);
    for (const k of d.kiosks) ks.append(Mgr.el("li", { class: k.online ? "on" : "off" }, k.kiosk + " · " + t(k.online ? "online" : "offline")));
    if (!d.kiosks.length) ks.append(Mgr.el("li", { class: "muted" }, t("none reporting")));
    const al = $("d-alerts");
    Mgr.clear(al);
    for (const a of d.alerts) al.append(Mgr.el("li", { class: "alert sev-" + a.severity }, alertText(a)));
  }
  if (isManager) $("d-close").addEventListener("click", () => { current = null; $("detail").hidden = true; MgrMap.select(null); });

  // ---------------------------------------------------------------- live
  const socket = connect((s) => s.emit("subscribe_managers", {}, (ack) => {
    if (!ack || !ack.ok) Mgr.toLogin();
  }), $("conn"), (k) => t(k));
  socket.on("assist", (r) => MgrPanels.onAssist(r));
  socket.on("assist_new", (r) => MgrPanels.onAssistNew(r));
  socket.on("counters", (m) => MgrPanels.renderCounters(m.counters, m.audit));
  if (isManager) {
    socket.on("zones", (m) => {
      for (const z of m.zones) applyZone(z);
      if (sortKey === "pct" || sortKey === "occupancy" || sortKey === "in_15m") scheduleSort();
      if (!current && !detailChosen && m.zones.length > 1) {  // first snapshot: sorted at once, most crowded zone open
        detailChosen = true;
        sortTable();
        const busiest = m.zones.filter((z) => S.zones[z.zone]).sort((a, b) => b.pct - a.pct)[0];
        if (busiest) openDetail(busiest.zone);
      }
    });
    socket.on("cameras", (m) => {
      camsNow = { on: m.cameras.filter((c) => c.online).length, all: m.cameras.length };
      renderCams();
    });
    socket.on("alert", (a) => MgrPanels.onAlert(a));
    socket.on("staffing", (s) => { MgrPanels.renderStaffing(s); MgrPanels.loadCounters(); });
    socket.on("staffing_decision", (d) => MgrPanels.setDecision(d));
    socket.on("connect", () => { MgrPanels.loadAlerts(); MgrPanels.loadStaffing(); });
    loadSparks();
    loadFootfall();
    setInterval(loadSparks, 60000);
    setInterval(loadFootfall, 60000);
    setInterval(refreshDetail, 15000);
  } else {
    socket.on("staffing", () => MgrPanels.loadCounters());
  }
  socket.on("connect", () => { MgrPanels.loadAssist(); MgrPanels.loadCounters(); });
  onLangChange(() => {
    renderWho(); renderClock(); renderMallTotal(); renderCams(); Mgr.updateSoundButton();
    $("conn").textContent = t(socket.connected ? "live" : "offline");
  });
  document.body.dataset.ready = "1";
}
