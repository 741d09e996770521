/* Kiosks card (managers only): the enrolled kiosks with their zone, when they were enrolled and their last
   heartbeat (online or not); a form that enrols a kiosk (id + zone) and shows its one-time link to open on the
   device (with a copy button); retire, after a confirmation, so the kiosk's secret stops working at once.
   Through /api/v1/kiosks (server/kiosk/enrol_api.py); a refused field (422 naming it) is shown beside that field.
   The module starts itself once the page has booted (body[data-ready]) so index.js only imports it. */
import * as Mgr from "/static/manager/core.js";
import { mallTime, name, onLangChange, t } from "/static/manager/i18n.js";

const $ = (id) => document.getElementById(id);
const el = Mgr.el;
const REFRESH_MS = 15000;  // kiosks beat every few seconds; the card follows their online state at this pace
const S = { kiosks: {}, required: true, shown: null };  // shown: the enrolment whose one-time link is on screen

const tz = () => Mgr.state.mall.mall.timezone;
function stamp(ts) {
  if (!ts) return "–";
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: tz(), year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ts * 1000));
  return day + " " + mallTime(ts, tz(), false);
}

function drawZones() {
  const sel = $("kq-zone");
  const chosen = sel.value;
  const groups = Mgr.state.mall.floors.map((f) => {
    const g = el("optgroup", { label: name(f) });
    for (const z of Mgr.state.mall.zones.filter((z) => z.floor === f.id)) g.append(el("option", { value: z.id }, name(z)));
    return g;
  });
  sel.replaceChildren(el("option", { value: "" }, t("Choose a zone")), ...groups);
  sel.value = chosen;
}

function draw() {
  const body = document.querySelector("#kq-table tbody");
  const ids = Object.keys(S.kiosks).sort();
  body.replaceChildren(...ids.map((id) => {
    const k = S.kiosks[id];
    const tr = el("tr", { "data-kiosk": id, "data-online": k.online ? "1" : "0" });
    const seen = k.last_seen ? (k.online ? t("online") : t("offline since {t}", { t: stamp(k.last_seen) })) : t("never");
    const retire = el("button", { type: "button", class: "ghost small kq-retire", "data-kiosk": id }, t("Retire"));
    retire.addEventListener("click", () => retireKiosk(id));
    tr.append(el("td", { "data-k": "kiosk" }, id), el("td", { "data-k": "zone" }, name(Mgr.state.zones[k.zone]) || k.zone),
              el("td", { "data-k": "enrolled" }, stamp(k.enrolled_at)),
              el("td", { "data-k": "seen", class: k.online ? "kq-on" : "kq-off" }, seen), el("td", {}, ""));
    tr.lastChild.append(retire);
    return tr;
  }));
  if (!ids.length) {
    const none = el("tr", { class: "kq-none" });
    none.append(el("td", { colspan: "5", class: "muted" }, t("No kiosk enrolled yet")));
    body.append(none);
  }
  const online = ids.filter((id) => S.kiosks[id].online).length;
  $("kq-summary").textContent = t("{on} of {all} online", { on: online, all: ids.length });
  $("kq-note").textContent = S.required ? t("Only enrolled kiosks can call staff and report heartbeats.")
    : t("Enrolment is switched off on this server (KIOSK_ENROLMENT=0): any browser may act as a kiosk.");
}

async function load() {
  try {
    const res = await Mgr.api("/api/v1/kiosks");
    S.kiosks = res.kiosks;
    S.required = res.required;
    draw();
  } catch (e) { $("kq-summary").textContent = Mgr.errText(e); }
}

function clearErrors() { for (const e of $("kq-form").querySelectorAll(".kq-err")) e.textContent = ""; }
/* The server's message beside the field it names (kiosk or zone); anything else under the button. */
function showError(e) {
  const field = (e && e.body && e.body.field) || "";
  const box = $("kiosks-card").querySelector(`.kq-err[data-for="${field === "kiosk" || field === "zone" ? field : ""}"]`);
  box.textContent = t(Mgr.errText(e));  // the server's words, in Chinese when the page knows them
}

async function enrol(ev) {
  ev.preventDefault();
  clearErrors();
  const kiosk = $("kq-id").value.trim(), zone = $("kq-zone").value;
  if (S.kiosks[kiosk] && !window.confirm(t("Kiosk {kiosk} is already enrolled. Enrolling it again replaces its secret: the device must open the new link. Go ahead?", { kiosk }))) return;
  try {
    const res = await Mgr.api("/api/v1/kiosks", { method: "POST", body: { kiosk, zone } });
    S.shown = res;
    $("kq-link-url").value = location.origin + res.link;
    $("kq-copied").textContent = "";
    $("kq-link").hidden = false;
    drawLink();
    $("kq-id").value = "";
    await load();
  } catch (e) { showError(e); }
}

function drawLink() {
  if (!S.shown) return;
  $("kq-link-for").textContent = t("Open this link once on kiosk {kiosk} ({zone}); it is shown only now:",
                                   { kiosk: S.shown.kiosk, zone: name(Mgr.state.zones[S.shown.zone]) });
}

async function copyLink() {
  const input = $("kq-link-url");
  try { await navigator.clipboard.writeText(input.value); }
  catch (e) { input.select(); document.execCommand("copy"); }  // no clipboard API (e.g. plain http): select and copy
  $("kq-copied").textContent = t("Copied");
}

async function retireKiosk(id) {
  if (!window.confirm(t("Retire kiosk {kiosk}? Its secret stops working at once; it can be enrolled again later.", { kiosk: id }))) return;
  let said;
  try {
    await Mgr.api("/api/v1/kiosks/" + encodeURIComponent(id) + "/retire", { method: "POST" });
    said = t("Kiosk {kiosk} retired", { kiosk: id });
  } catch (e) { said = Mgr.errText(e); }
  await load();
  $("kq-summary").textContent = said;  // until the next refresh
}

function wire() {
  if (!$("kiosks-card") || Mgr.state.user.role !== "manager") return;
  drawZones();
  $("kq-form").addEventListener("submit", enrol);
  $("kq-copy").addEventListener("click", copyLink);
  $("kq-link-close").addEventListener("click", () => { $("kq-link").hidden = true; $("kq-link-url").value = ""; S.shown = null; });
  onLangChange(() => { drawZones(); draw(); drawLink(); });
  load();
  setInterval(load, REFRESH_MS);
}

if (document.body.dataset.ready === "1") wire();
else new MutationObserver((_, obs) => { if (document.body.dataset.ready === "1") { obs.disconnect(); wire(); } })
  .observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
