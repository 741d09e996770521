/* What a kiosk asks the server: content, the checkout summary, call staff, the live socket and its
   heartbeat, and the offline cache (service worker). */
import { connect } from "/static/common/live.js";
import { t } from "/static/kiosk/i18n.js";
import { nextSlide } from "/static/kiosk/idle.js";
import { renderAssist, renderCheckout, renderCompare, renderConn, renderMapSide, renderProducts, renderSubsidy, renderZone } from "/static/kiosk/render.js";
import { HEARTBEAT_S, KIOSK, KIOSK_SECRET, kioskHeaders, PROBE_TIMEOUT_MS, st, VERSION, zoneId } from "/static/kiosk/state.js";

export const CONTENT_URL = "/api/v1/kiosk/content/" + encodeURIComponent(zoneId);
export const PAGES_CACHE = "kiosk-pages-v1";  // the service worker's cache of pages and data

export async function getJSON(url) { const r = await fetch(url, { cache: "no-cache" }); if (!r.ok) throw new Error(url + " " + r.status); return r.json(); }

function setContent(c) {
  const cur = st.content;
  if (!c || (cur && cur.version === c.version && JSON.stringify(cur.subsidy) === JSON.stringify(c.subsidy))) return;
  st.content = c;
  document.body.dataset.contentVersion = c.version;
  renderProducts(); renderCompare(); renderSubsidy();
  nextSlide();
}
async function refreshContent() { try { setContent(await getJSON(CONTENT_URL)); } catch (e) { /* offline: keep */ } }

let coTimer = null;
async function refreshCheckout() {
  clearTimeout(coTimer);
  coTimer = setTimeout(refreshCheckout, 10000);
  try { st.checkout = await getJSON("/api/v1/kiosk/checkout"); renderCheckout(); } catch (e) { /* offline: keep the last figures */ }
}

/* The server says whether this kiosk is enrolled (its socket subscribe and heartbeats, or a refused request); an
   unenrolled kiosk shows the zone read-only: no "call staff" buttons, a note saying why. */
function setEnrolled(yes) { if (st.enrolled !== yes) { st.enrolled = yes; renderAssist(); } }
const notEnrolled = (ack) => !!ack && ack.error === "kiosk_not_enrolled";

let assistRetryAt = 0; // set only from the server's 429 Retry-After (request still open, or the hourly cap)
export async function callStaff(reason) {
  if (st.enrolled === false) return;
  st.assistNote = "";
  const wait = Math.ceil((assistRetryAt - Date.now()) / 1000);
  if (wait > 0) { st.assistNote = t("too_soon")(wait); renderAssist(); return; }
  try {
    const r = await fetch("/api/v1/assist", { method: "POST", headers: { "Content-Type": "application/json", ...kioskHeaders() },
                                              body: JSON.stringify({ zone: zoneId, kiosk: KIOSK, reason }) });
    if (r.status === 201) { st.assist = await r.json(); assistRetryAt = 0; }
    else if (r.status === 429) {
      const ra = Number(r.headers.get("Retry-After")) || 30;
      assistRetryAt = Date.now() + ra * 1000;
      let body = null;
      try { body = await r.json(); } catch (e) { /* no body */ }
      st.assistNote = body && body.error === "already_open" ? t("st_sent") : t("too_soon")(ra);
    }
    else if (r.status === 401) { setEnrolled(false); }
    else { st.assistNote = t("send_failed"); }
  } catch (e) { st.assistNote = t("send_failed"); }
  renderAssist();
}

/* The live socket: subscribe on every connect (the server answers with a snapshot); a heartbeat every few
   seconds whose answer proves the server is still there (a stopped server keeps the socket open for ~45 s). */
export function connectLive() {
  let first = true;
  const setConn = (state) => { if (st.conn !== state) { st.conn = state; renderConn(); } };
  const beat = (s) => s.timeout(PROBE_TIMEOUT_MS).emit("kiosk_heartbeat", { kiosk: KIOSK, zone: zoneId, version: VERSION }, (err, ack) => {
    if (s.connected) setConn(err ? "stale" : "live");
    if (notEnrolled(ack)) setEnrolled(false);  // retired while connected: the answer still proves the server is there
  });
  const socket = connect((s) => {
    s.emit("subscribe", { zone: zoneId, kiosk: KIOSK }, (ack) => {
      if (notEnrolled(ack)) { setEnrolled(false); s.emit("subscribe", { zone: zoneId }); }  // the zone stays live
      else if (ack && ack.ok) setEnrolled(true);
    });
    beat(s);
    if (!first) { refreshContent(); }
    first = false;
    refreshCheckout();
  }, undefined, undefined, KIOSK_SECRET ? { kiosk_token: KIOSK_SECRET } : undefined);
  socket.on("connect", () => setConn("live"));
  socket.on("disconnect", () => setConn("offline"));
  socket.on("connect_error", () => setConn("offline"));
  socket.io.on("reconnect_attempt", () => setConn("reconnecting"));
  socket.on("zone", (p) => { if (p.zone === zoneId) { st.zoneLive = p; renderZone(); renderMapSide(); } });
  socket.on("crowd", (m) => {
    for (const p of m.zones) st.crowd[p.zone] = p;
    if (st.map) st.map.setLevels(st.crowd);
    renderMapSide();
    if (st.coZone && m.zones.some((p) => p.zone === st.coZone.id) && st.checkout && st.checkout.source === "estimate") refreshCheckout();
  });
  socket.on("content", (c) => { if (c && c.zone === zoneId) setContent(c); });
  socket.on("checkout", (c) => {  // a full summary (counters changed) or the staffing engine's public part
    if (c && c.source) { st.checkout = c; renderCheckout(); } else refreshCheckout();
  });
  socket.on("assist", (a) => {
    if (!a || a.kiosk !== KIOSK) return;
    if (a.state === "resolved") assistRetryAt = 0;  // nothing pending: the shopper may call again at once
    st.assist = a; st.assistNote = ""; renderAssist();
  });
  setInterval(() => { if (socket.connected) beat(socket); }, HEARTBEAT_S * 1000);
  return socket;
}

/* The service worker keeps the page, its modules and styles, the mall plan and this zone's content. */
export async function setupOffline() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/kiosk/sw.js", { scope: "/kiosk/" });
    await navigator.serviceWorker.ready;
    const cache = await caches.open(PAGES_CACHE);
    await cache.addAll([location.pathname + location.search, "/api/v1/mall", CONTENT_URL]);
    document.body.dataset.offlineReady = "1";
  } catch (e) { /* offline or unsupported: the page still works online */ }
}
