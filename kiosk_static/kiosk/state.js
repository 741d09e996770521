/* What one kiosk knows: its zone and id, the URL settings, and the live and shopper state every part reads.
   One object, so the rendering, idle, network and boot modules share it without globals. */
const params = new URLSearchParams(location.search);
const num = (k, d) => { const v = Number(params.get(k)); return Number.isFinite(v) && v > 0 ? v : d; };

export const VERSION = "kiosk-1";
export const IDLE_S = num("idle", 60), COUNTDOWN_S = num("countdown", 15), FLUSH_S = 30;
/* The heartbeat doubles as the liveness probe: unanswered within PROBE_TIMEOUT_MS, the pill says "updating…". */
export const HEARTBEAT_S = 3, PROBE_TIMEOUT_MS = 2500;
export const zoneId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
export const $ = (id) => document.getElementById(id);

function kioskId() {
  const clean = (s) => String(s || "").toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 64);
  const fromUrl = clean(params.get("kiosk"));
  if (fromUrl) return fromUrl;
  let id = null;
  try { id = localStorage.getItem("kiosk-id:" + zoneId); } catch (e) { /* storage off */ }
  if (!id) {
    id = clean(zoneId.slice(0, 50) + "-" + Math.random().toString(36).slice(2, 8));
    try { localStorage.setItem("kiosk-id:" + zoneId, id); } catch (e) { /* storage off */ }
  }
  return id;
}
export const KIOSK = kioskId();

/* The kiosk's secret from its enrolment link (/kiosk/<zone>?kiosk=<id>#enrol=<secret>, docs/security.md): kept on
   the device, dropped from the address bar, sent with heartbeats, engagement and assistance requests. */
function kioskSecret() {
  const m = /(?:^#|&)enrol=([^&]+)/.exec(location.hash);
  const given = m ? decodeURIComponent(m[1]) : "";
  try {
    if (given) {
      localStorage.setItem("kiosk-secret:" + zoneId, given);
      localStorage.setItem("kiosk-id:" + zoneId, KIOSK);
      history.replaceState(null, "", location.pathname + location.search);
    }
    return localStorage.getItem("kiosk-secret:" + zoneId) || "";
  } catch (e) { return given; }
}
export const KIOSK_SECRET = kioskSecret();
export const kioskHeaders = () => (KIOSK_SECRET ? { "X-Kiosk-Token": KIOSK_SECRET } : {});

/* mall, zones (by id), me (this zone), content, map (the wayfinding map), coZone (the checkout zone): set at start.
   crowd, zoneLive, checkout, assist: live; conn: connecting | live | stale | reconnecting | offline; enrolled: null
   until the server answers, then whether this kiosk may call staff and send heartbeats and engagement (false: the
   page is read-only). compareSel, sub, assistNote, tab: what the shopper did (reset when idle). */
export const st = {
  mall: null, zones: {}, me: null, content: null, map: null, coZone: null,
  crowd: {}, zoneLive: null, checkout: null, assist: null, assistNote: "", conn: "connecting", enrolled: null,
  compareSel: [], sub: { category: null, cls: null, price: "" }, tab: "products",
};
