/* A zone's kiosk, start-up: load the mall plan and the zone's content (retrying until they come), draw,
   wire the buttons, connect live, start the idle clock and the offline cache. The parts: i18n.js (words),
   state.js (what the kiosk knows), render.js (drawing), idle.js (attract loop, reset, engagement counters),
   network.js (server, socket, service worker), map.js (wayfinding), subsidy.js, pictures.js. */
import { create as createMap } from "/static/kiosk/map.js";
import { lang, setLang } from "/static/kiosk/i18n.js";
import { endSession, flush, startIdle, stillHere, tap, watchInput } from "/static/kiosk/idle.js";
import { callStaff, connectLive, CONTENT_URL, getJSON, setupOffline } from "/static/kiosk/network.js";
import { applyLang, pickDest, renderCompare, renderProducts, show } from "/static/kiosk/render.js";
import { $, FLUSH_S, KIOSK, st, zoneId } from "/static/kiosk/state.js";

watchInput();
for (const b of document.querySelectorAll("button.reason")) b.addEventListener("click", () => callStaff(b.dataset.reason));
for (const b of document.querySelectorAll(".k-tab")) b.addEventListener("click", () => show(b.dataset.tab));
$("lang").addEventListener("click", () => { setLang(lang === "zh" ? "en" : "zh"); applyLang(); });
$("compare-clear").addEventListener("click", () => { st.compareSel = []; renderProducts(); renderCompare(); });
$("still-yes").addEventListener("click", stillHere);

async function start() {
  try {
    [st.mall, st.content] = await Promise.all([getJSON("/api/v1/mall"), getJSON(CONTENT_URL)]);
  } catch (e) {
    $("zone-zh").textContent = "…"; setTimeout(start, 3000); return;
  }
  st.zones = Object.fromEntries(st.mall.zones.map((z) => [z.id, z]));
  st.me = st.zones[zoneId];
  st.coZone = st.mall.zones.find((z) => z.category === "checkout");
  document.body.dataset.contentVersion = st.content.version;
  document.body.dataset.kiosk = KIOSK;
  st.map = createMap($("map"), st.mall, zoneId, { onPick: (id) => { tap("route"); pickDest(id); } });
  applyLang();
  connectLive();
  setInterval(flush, FLUSH_S * 1000);
  startIdle();
  window.addEventListener("pagehide", () => { endSession(); });
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "1";
  setupOffline();
}
start();
