/* Right-hand panels: staffing suggestion (accept / dismiss), counters grid, alerts, assistance inbox, export. */
import * as Mgr from "/static/manager/core.js";
import * as MgrMap from "/static/manager/map.js";
import { alertText, lang, name, onLangChange, t, t as tr } from "/static/manager/i18n.js";

const $ = (id) => document.getElementById(id);
const el = (t, a, x) => Mgr.el(t, a, x);

// ---------------------------------------------------------------- staffing
let suggestion = null;
let dismissed = null;
let accepted = null;  // the last accept seen on this screen, shown under the suggestion
let fvaAt = 0;  // when forecast vs actual was last fetched

// The server says whether a dismissal still holds (it lapses on a demand move or after a while);
// right after dismissing, before the next recompute, the dismissed suggestion itself stays hidden.
function isDismissed(s) {
  if (!s) return false;
  if (s.dismissed) { dismissed = s.dismissed; return true; }
  return !!(dismissed && dismissed.suggestion_time === s.time);
}

/* A server text in the page's language: the engine writes `key` in English and `key_zh` in Chinese. */
const said = (o, key) => (o ? (lang === "zh" && o[key + "_zh"]) || o[key] : "");
/* A list of server texts (reasons) in the page's language; `key_zh` runs parallel to `key`. */
const saidAll = (o, key) => ((lang === "zh" && o && o[key + "_zh"]) || (o && o[key]) || []);

function fmtWait(sec) {
  if (sec === null || sec === undefined) return "–";
  return sec < 90 ? Mgr.fmtNum(sec, 0) + " s" : Mgr.fmtNum(sec / 60, 1) + " min";
}

function staffingExtras() {
  // Rows this section adds under the figures: the checkout wait (the kiosks' figure) and forecast vs actual.
  let box = $("st-extra");
  if (!box) {
    box = el("div", { id: "st-extra", class: "muted" });
    box.append(el("div", { id: "st-wait" }), el("div", { id: "st-confidence" }),
      el("table", { class: "mini", id: "st-fva" }));
    $("st-model").after(box);
  }
  return box;
}

export function renderStaffing(s) {
  if (s) suggestion = s;
  s = suggestion;
  if (!s) return;
  const ex = s.explanation || {};
  const lam = ex.lambda_per_hour || {};
  const tgt = ex.target || {};
  $("st-time").textContent = t("updated {t}", { t: Mgr.fmtTime(s.ts) });
  $("st-message").textContent = said(s, "message");
  $("st-message").className = "st-message act-" + s.action;
  $("st-open").textContent = s.open_now;
  $("st-suggested").textContent = s.suggested_open;
  $("st-lambda").textContent = [lam["0"], lam["15"], lam["30"]].map((v) => Mgr.fmtNum(v, 0)).join(" / ");
  $("st-model").textContent = t("plan λ = {lam}/h (incl. margin {margin} %) · μ = {mu}/h per counter ({service} s) · " +
    "target {share} % wait ≤ {wait} s, mean ≤ {mean} s", {
    lam: Mgr.fmtNum(ex.lambda_plan_per_hour, 1), margin: Math.round(100 * (ex.forecast_margin || 0)),
    mu: Mgr.fmtNum(ex.mu_per_hour, 1), service: Mgr.fmtNum(ex.service_seconds, 0), share: Math.round(100 * (tgt.share || 0)),
    wait: Mgr.fmtNum(tgt.wait_seconds, 0), mean: Mgr.fmtNum(tgt.max_mean_wait_seconds, 0) });
  const pw = document.querySelector("#st-options thead th:nth-child(2)");
  if (pw) pw.textContent = t("P(wait)");
  const tb = document.querySelector("#st-options tbody");
  Mgr.clear(tb);
  for (const o of ex.options || []) {
    const tr = el("tr", { class: o.counters === s.suggested_open ? "pick" : "" });
    tr.append(el("td", {}, String(o.counters)), el("td", {}, Mgr.fmtNum(100 * o.p_wait, 1) + " %"),
      el("td", {}, Mgr.fmtNum(100 * o.service_level, 1) + " %"),
      el("td", { title: t(o.wait_basis || "") }, fmtWait(o.mean_wait_seconds) +
        (o.wait_basis && o.wait_basis !== "steady state" ? " *" : "")),
      el("td", {}, t(o.meets_target ? "yes" : "no")));
    tb.append(tr);
  }
  staffingExtras();
  if (Date.now() - fvaAt > 60000) { fvaAt = Date.now(); loadForecastVsActual(); }
  const w = s.wait || {};
  const pub = s.public || {};
  $("st-wait").textContent = t("Checkout wait (as on the kiosks): {w}", { w: said(w, "label") || "–" }) +
    (pub.queue !== null && pub.queue !== undefined ? " · " + t("{n} in the checkout area", { n: pub.queue }) : "") +
    (w.basis ? " · " + t(w.basis) : "");
  $("st-wait").dataset.minutes = w.minutes === null || w.minutes === undefined ? "" : String(w.minutes);
  const conf = ex.confidence || {};
  const cal = ex.calibration || {};
  const why = saidAll(conf, "reasons");
  const note = said(cal, "note");
  $("st-confidence").textContent = t("Forecast confidence: {level}", { level: conf.level ? t(conf.level) : "–" }) +
    (why.length ? t(" ({why})", { why: why.join(t("; ")) }) : "") +
    " · " + t("calibration: {source}", { source: cal.source ? t(cal.source) : "–" }) + (note ? " – " + note : "");
  const reasons = $("st-reasons");
  Mgr.clear(reasons);
  for (const r of saidAll(s, "reasons")) reasons.append(el("li", {}, r));
  const prep = $("st-prepare");
  Mgr.clear(prep);
  for (const p of s.prepare || []) prep.append(el("li", { class: "prepare" }, said(p, "message")));
  if (s.shortfall) reasons.append(el("li", { class: "shortfall" }, t("All {n} counters open: wait about {now} min now, {soon} min in 15 min", {
    n: s.shortfall.counters, now: Mgr.fmtNum(s.shortfall.wait_minutes_now, 0), soon: Mgr.fmtNum(s.shortfall.wait_minutes_in_15, 0) })));
  const hide = isDismissed(s);
  $("st-accept").disabled = hide || s.delta === 0;
  $("st-dismiss").disabled = hide || s.delta === 0;
  $("st-accept").textContent = s.delta > 0 ? t("Accept: open {n}", { n: s.delta }) : s.delta < 0 ? t("Accept: close {n}", { n: -s.delta }) : t("Nothing to accept");
  $("st-decision").textContent = hide ? t("Dismissed by {who}: {reason}", { who: dismissed.by_name || dismissed.by, reason: dismissed.reason }) +
      (dismissed.text ? " (" + dismissed.text + ")" : "")
    : accepted ? t("Accepted by {who} at {t}", { who: accepted.by_name || accepted.by, t: Mgr.fmtTime(accepted.ts) }) +
      (accepted.changed.length ? ": " + accepted.changed.join(", ") : "") : "";
}

export function setDecision(rec) {
  if (rec.action === "dismiss") { dismissed = rec; accepted = null; }
  else if (rec.action === "lapse") { dismissed = null; }
  else { dismissed = null; accepted = rec; }
  renderStaffing(null);
}

/* Forecast against what the tills actually did (transactions feed) and what the cameras counted. */
export async function loadForecastVsActual() {
  try {
    const res = await Mgr.api("/api/v1/checkout/transactions?minutes=120");
    staffingExtras();
    const t = $("st-fva");
    Mgr.clear(t);
    const row = (tag, cells) => { const tr = el("tr"); for (const c of cells) tr.append(el(tag, {}, c)); return tr; };  // el()'s third argument is text
    const head = el("thead");
    head.append(row("th", [tr("15 min from"), tr("Forecast"), tr("Transactions"), tr("Counted in")]));
    t.append(head);
    const tb = el("tbody");
    for (const b of res.bins.slice(-6)) {
      tb.append(row("td", [b.start.slice(11, 16), b.forecast === null ? "–" : Mgr.fmtNum(b.forecast, 0),
        b.transactions === null ? tr("no feed") : String(b.transactions), String(b.checkout_entries)]));
    }
    t.append(tb);
  } catch (e) { /* the panel works without it */ }
}

async function accept(confirm) {
  const body = { time: suggestion.time, suggested_open: suggestion.suggested_open };
  if (confirm) body.confirm = true;
  return Mgr.api("/api/v1/staffing/accept", { method: "POST", body });
}

export async function loadStaffing() {
  try {
    const [st, dec] = await Promise.all([Mgr.api("/api/v1/staffing"), Mgr.api("/api/v1/staffing/decisions")]);
    dismissed = dec.dismissed;
    const last = (dec.decisions || [])[0];
    if (last && last.action === "accept" && Date.now() / 1000 - last.ts < 3600) accepted = last;
    if (st.suggestion) renderStaffing(st.suggestion);
    else $("st-message").textContent = t("no suggestion yet");
    loadForecastVsActual();
  } catch (e) { $("st-message").textContent = Mgr.errText(e); }
}

export function wireStaffing() {
  $("st-accept").addEventListener("click", async () => {
    if (!suggestion) return;
    $("st-accept").disabled = true;
    try {
      let res;
      const big = Math.abs(suggestion.delta) > 3;  // the server asks to confirm a change of more than 3 counters
      if (big && !window.confirm(t(suggestion.delta > 0 ? "This opens {n} counters at once. Go ahead?" : "This closes {n} counters at once. Go ahead?",
        { n: Math.abs(suggestion.delta) }))) { $("st-accept").disabled = false; return; }
      try { res = await accept(big); } catch (e) {
        if (!(e && e.status === 409 && e.body && e.body.field === "confirm")) throw e;
        // A change of more than 3 counters at once: the manager confirms it.
        if (!window.confirm(e.body.detail.replace(/; send confirm: true to go ahead$/, "") + ". Go ahead?")) {
          $("st-decision").textContent = t("Not accepted: {why}", { why: e.body.detail.split(";")[0] });
          $("st-accept").disabled = false;
          return;
        }
        res = await accept(true);
      }
      setDecision(res.decision);
      renderCounters(res.counters, null);
      if (res.suggestion) renderStaffing(res.suggestion);
      loadCounters();
    } catch (e) { $("st-decision").textContent = t("Accept failed: {why}", { why: Mgr.errText(e) }); $("st-accept").disabled = false; }
  });
  $("st-dismiss").addEventListener("click", () => { $("st-dismiss-form").hidden = false; $("st-reason").focus(); });
  $("st-dismiss-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const reason = $("st-reason").value.trim();
    if (!reason) { $("st-decision").textContent = t("Say why the suggestion is dismissed."); return; }
    try {
      const res = await Mgr.api("/api/v1/staffing/dismiss", { method: "POST", body: { reason } });
      $("st-dismiss-form").hidden = true;
      $("st-reason").value = "";
      setDecision(res.decision);
    } catch (e) { $("st-decision").textContent = t("Dismiss failed: {why}", { why: Mgr.errText(e) }); }
  });
}

// ---------------------------------------------------------------- counters
let lastCounters = null;  // what the grid shows, redrawn when the language changes
export function renderCounters(counters, audit) {
  const grid = $("counters");
  Mgr.clear(grid);
  let open = 0;
  for (const c of counters) {
    if (c.state === "open") open++;
    const b = el("button", { type: "button", class: "counter st-" + c.state, "data-counter": c.id, "data-state": c.state,
      title: t(c.state) + (c.by ? " · " + t("by {who}", { who: c.by }) : "") + (c.reason ? " · " + c.reason : "") });
    b.append(el("b", {}, c.id), el("span", {}, t(c.state)));
    b.addEventListener("click", () => toggleCounter(c));
    grid.append(b);
  }
  $("ct-summary").textContent = t("{open} open of {all}", { open, all: counters.length });
  lastCounters = [counters, audit || lastCounters && lastCounters[1]];
  if (audit) {
    const ul = $("audit");
    Mgr.clear(ul);
    for (const a of audit.slice(0, 6)) ul.append(el("li", {}, Mgr.fmtTime(a.ts) + " " + a.counter + " " + t(a.from) + "→" + t(a.to) + " " + t("by {who}", { who: a.by }) + (a.reason ? " · " + a.reason : "")));
  }
}

async function toggleCounter(c) {
  const next = c.state === "open" ? "closed" : "open";
  try {
    await Mgr.api("/api/v1/counters/" + encodeURIComponent(c.id), { method: "POST", body: { state: next, reason: "set on the manager page" } });
  } catch (e) { $("ct-summary").textContent = Mgr.errText(e); }
  loadCounters();
}

export async function loadCounters() {
  try {
    const res = await Mgr.api("/api/v1/counters?audit_limit=6");
    renderCounters(res.counters, res.audit);
  } catch (e) { $("ct-summary").textContent = Mgr.errText(e); }
}

// ---------------------------------------------------------------- alerts
const alerts = {};
function renderAlerts() {
  const ul = $("alerts");
  Mgr.clear(ul);
  const SEV = { critical: 3, warning: 2, info: 1 };  // the server's order: severity, then the newest raise or change
  const list = Object.values(alerts).sort((a, b) => (SEV[b.severity] || 0) - (SEV[a.severity] || 0) || (b.since || b.raised) - (a.since || a.raised));
  let unacked = 0;
  for (const a of list) {
    if (a.state === "active") unacked++;
    ul.append(alertItem(a, true));
  }
  if (!list.length) ul.append(el("li", { class: "muted" }, t("No active alerts")));
  $("alert-count").textContent = String(unacked);  // the badge counts what nobody has acknowledged yet
  $("alert-badge").classList.toggle("hot", unacked > 0);
  const banner = $("alert-banner");
  const top = list.find((a) => a.state === "active");
  banner.hidden = !top;
  banner.textContent = top ? alertText(top) : "";  // the warning sign is CSS (.alert-banner::before)
  banner.className = "alert-banner" + (top ? " sev-" + top.severity : "");
  const zonesFlagged = new Set(list.filter((a) => a.zone).map((a) => a.zone));
  for (const z of Mgr.state.mall.zones) MgrMap.flag(z.id, zonesFlagged.has(z.id));
}

function alertItem(a, actions) {
  const li = el("li", { class: "alert sev-" + a.severity + " st-" + a.state, "data-alert": a.id, "data-kind": a.kind });
  const msg = el("div", { class: "msg" }, alertText(a));
  if (a.zone && Mgr.state.openDetail) { msg.classList.add("link"); msg.addEventListener("click", () => Mgr.state.openDetail(a.zone)); }
  li.append(msg);
  let meta = t("raised {t}", { t: Mgr.fmtTime(a.raised) });
  if (a.acknowledged_by) meta += " · " + t("acknowledged by {who} {t}", { who: a.acknowledged_by, t: Mgr.fmtTime(a.acknowledged_at) });
  if (a.cleared) meta += " · " + t("cleared {t}", { t: Mgr.fmtTime(a.cleared) });
  li.append(el("div", { class: "meta" }, meta));
  if (actions && a.state === "active") {
    const b = el("button", { type: "button", class: "small ack" }, t("Acknowledge"));
    b.addEventListener("click", async () => {
      try { onAlert(await Mgr.api("/api/v1/manager/alerts/" + encodeURIComponent(a.id) + "/ack", { method: "POST" })); }
      catch (e) { li.append(el("div", { class: "error" }, Mgr.errText(e))); }
    });
    li.append(b);
  }
  return li;
}

const ended = [];  // ended alerts shown, newest first (redrawn when the language changes)
function addHistory(a) {
  const ul = $("alert-history");
  ended.unshift(a);
  ended.length = Math.min(ended.length, 50);
  ul.prepend(alertItem(a, false));
  while (ul.children.length > 50) ul.removeChild(ul.lastChild);
}

export function onAlert(a) {
  const known = alerts[a.id];
  if (a.state === "cleared") { delete alerts[a.id]; addHistory(a); }
  else {
    alerts[a.id] = a;
    const SEV = { critical: 3, warning: 2, info: 1 };  // beep when raised, escalated or re-opened, not when it eases
    if (a.state === "active" && (!known || known.state !== "active" || (SEV[a.severity] || 0) > (SEV[known.severity] || 0) ||
        (a.kind === "drift" && a.count !== known.count))) Mgr.beep(a.severity);
  }
  renderAlerts();
}

export async function loadAlerts() {
  try {
    const res = await Mgr.api("/api/v1/manager/alerts?limit=50");
    for (const k of Object.keys(alerts)) delete alerts[k];
    for (const a of res.active) alerts[a.id] = a;
    Mgr.clear($("alert-history"));
    ended.length = 0;
    for (const a of res.history.slice().reverse()) addHistory(a);
    renderAlerts();
    if (res.active.some((a) => a.state === "active")) Mgr.beep(res.active[0].severity);
  } catch (e) { /* shown by the connection pill */ }
}

// ---------------------------------------------------------------- assistance inbox
const requests = {};
let assistAvailable = true;
let serverSkew = 0;  // server clock minus this browser's, from the inbox API's `now`
let escalateAfter = null;  // seconds a request may wait unacknowledged before managers are alerted
const waited = (r) => Math.max(0, (r.resolved_at || Date.now() / 1000 + serverSkew) - r.created);
const fmtWaited = (s) => s < 60 ? Math.floor(s) + " s" : Math.floor(s / 60) + " min";
setInterval(() => { if (Object.keys(requests).length) renderAssist(); }, 10000);  // keep "waiting" current
function renderAssist() {
  const ul = $("assist");
  Mgr.clear(ul);
  if (!assistAvailable) { ul.append(el("li", { class: "muted" }, t("Assistance service not available on this server."))); return; }
  const list = Object.values(requests).filter((r) => r.state !== "resolved").sort((a, b) => a.created - b.created);
  for (const r of list) {
    const z = Mgr.state.zones[r.zone];
    const li = el("li", { class: "req st-" + r.state, "data-request": r.id });
    li.append(el("div", { class: "msg" }, (z ? name(z) : r.zone) + " — " + t(String(r.reason || "help").replace(/_/g, " "))));
    const late = r.state === "sent" && escalateAfter !== null && waited(r) >= escalateAfter;
    li.classList.toggle("escalated", late);
    li.append(el("div", { class: "meta" }, t("kiosk {kiosk}", { kiosk: r.kiosk }) + " · " + Mgr.fmtTime(r.created) + " · " + t("waiting {w}", { w: fmtWaited(waited(r)) }) +
      " · " + t(r.state) + (r.by_name ? " " + t("by {who}", { who: r.by_name }) : "") + (late ? " · " + t("escalated to managers") : "")));
    const acts = el("div", { class: "acts" });
    if (r.state === "sent") {
      const b = el("button", { type: "button", class: "small ack" }, t("Acknowledge"));
      b.addEventListener("click", () => transition(r.id, "ack"));
      acts.append(b);
    }
    const done = el("button", { type: "button", class: "small resolve" }, t("Resolve"));
    done.addEventListener("click", () => transition(r.id, "resolve"));
    acts.append(done);
    li.append(acts);
    ul.append(li);
  }
  if (!list.length) ul.append(el("li", { class: "muted" }, t("No open requests")));
  $("as-count").textContent = t("{n} open", { n: list.length });
}

async function transition(id, action) {
  try { onAssist(await Mgr.api("/api/v1/assist/" + encodeURIComponent(id) + "/" + action, { method: "POST" })); }
  catch (e) { $("as-count").textContent = Mgr.errText(e); }
}

export function onAssist(r) {
  requests[r.id] = r;
  renderAssist();
}

/* `assist_new`: one ping per new request on every staff screen, a sound and a highlighted inbox. */
export function onAssistNew(r) {
  requests[r.id] = r;
  Mgr.beep("warning");
  const card = $("assist-card");
  card.classList.add("ping");
  card.dataset.pings = String(Number(card.dataset.pings || 0) + 1);
  setTimeout(() => card.classList.remove("ping"), 8000);
  renderAssist();
}

export async function loadAssist() {
  try {
    const res = await Mgr.api("/api/v1/assist?state=open");
    const list = Array.isArray(res) ? res : (res.requests || res.items || []);
    if (typeof res.now === "number") serverSkew = res.now - Date.now() / 1000;
    if (typeof res.escalate_after_seconds === "number") escalateAfter = res.escalate_after_seconds;
    for (const r of list) requests[r.id] = r;
  } catch (e) {
    if (e.status === 404 || e.status === 405) assistAvailable = false;
  }
  renderAssist();
}

// ---------------------------------------------------------------- export
let exportZones = [];  // chosen by a zone picker through setExportZones; empty = every zone and the whole mall
let exportUpdate = () => {};
let exportQueryOf = () => "";
/* The form's current query (from, to, zones): the date-range report asks with the same choice. */
export function exportQuery() { return exportQueryOf(); }
export function setExportZones(ids) { exportZones = ids.slice(); exportUpdate(); }

export function wireExport(today) {
  const from = $("ex-from"), to = $("ex-to");
  from.value = to.value = today;
  from.max = to.max = today;
  let problem = "";
  const query = () => "from=" + encodeURIComponent(from.value) + "&to=" + encodeURIComponent(to.value || from.value) +
    (exportZones.length ? "&zones=" + encodeURIComponent(exportZones.join(",")) : "");
  const update = () => {
    const q = query();
    $("ex-csv").href = "/api/v1/manager/export.csv?" + q;
    $("ex-json").href = "/api/v1/manager/export?" + q;
    problem = !from.value ? t("Choose a “From” date.") :
      (from.value > today || (to.value || "") > today) ? t("Dates after today ({today}, mall time) have no data yet.", { today }) :
      (to.value && to.value < from.value) ? t("“To” must not be before “From”.") : "";
    $("ex-note").textContent = problem || t("entries, exits and occupancy per zone per hour, {from} – {to}", { from: from.value, to: to.value || from.value });
    $("ex-note").classList.toggle("error", !!problem);
    for (const id of ["ex-csv", "ex-json"]) $(id).classList.toggle("disabled", !!problem);
  };
  // Fetch first, so a refusal is shown in the form (its `detail`) instead of a raw JSON page.
  const fetchThen = async (ev, link) => {
    ev.preventDefault();
    if (problem) return;
    try {
      const res = await fetch(link.href, { cache: "no-store" });
      if (!res.ok) {
        let detail = "export failed (" + res.status + ")";
        try { detail = (await res.json()).detail || detail; } catch (e) { /* not JSON */ }
        $("ex-note").textContent = detail;
        $("ex-note").classList.add("error");
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const a = el("a", { href: url, download: link.id === "ex-csv" ? "footfall-" + from.value + ".csv" : "footfall-" + from.value + ".json" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) { $("ex-note").textContent = "Network unavailable; try again."; }
  };
  for (const id of ["ex-csv", "ex-json"]) $(id).addEventListener("click", (ev) => fetchThen(ev, $(id)));
  from.addEventListener("change", update);
  to.addEventListener("change", update);
  exportUpdate = update;
  exportQueryOf = query;
  onLangChange(update);
  update();
}

/* Language changed: the panels this module draws, again from what they last showed. */
onLangChange(() => {
  if (lastCounters) renderCounters(...lastCounters);
  if ($("alerts")) {  // staff pages have no alerts or staffing panel
    renderAlerts();
    $("alert-history").replaceChildren(...ended.map((a) => alertItem(a, false)));
  }
  renderAssist();
  if ($("st-time")) { renderStaffing(null); loadForecastVsActual(); }  // the table's headings are the page's own
});
