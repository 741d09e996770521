/* An unattended kiosk: engagement counters (no personal data), the attract loop, "still there?" and the reset
   that clears everything a shopper entered. */
import { el } from "/static/common/live.js";
import { draw as drawPicture } from "/static/kiosk/pictures.js";
import { money, setLang } from "/static/kiosk/i18n.js";
import { applyLang, show } from "/static/kiosk/render.js";
import { $, COUNTDOWN_S, IDLE_S, kioskHeaders, st, zoneId } from "/static/kiosk/state.js";

// ---- engagement (counters only) ----------------------------------------------------------------------
const eng = { sessions: 0, session_ms: 0, taps: {} };
let sessionStart = null;
export function tap(feature) { if (feature) eng.taps[feature] = (eng.taps[feature] || 0) + 1; }
function startSession() { if (sessionStart === null) { sessionStart = Date.now(); eng.sessions += 1; } }
export function endSession() { if (sessionStart !== null) { eng.session_ms += Date.now() - sessionStart; sessionStart = null; flush(); } }
export function flush() {
  const body = { zone: zoneId, sessions: eng.sessions, session_ms: eng.session_ms, taps: eng.taps };
  if (!body.sessions && !body.session_ms && !Object.keys(body.taps).length) return;
  if (st.enrolled === false) { eng.sessions = 0; eng.session_ms = 0; eng.taps = {}; return; }  // only enrolled kiosks report
  eng.sessions = 0; eng.session_ms = 0; eng.taps = {};
  fetch("/api/v1/kiosk/engagement", { method: "POST", headers: { "Content-Type": "application/json", ...kioskHeaders() }, body: JSON.stringify(body), keepalive: true })
    .then((r) => { if (!r.ok && r.status >= 500) throw new Error(r.status); })
    .catch(() => { eng.sessions += body.sessions; eng.session_ms += body.session_ms; for (const [k, v] of Object.entries(body.taps)) eng.taps[k] = (eng.taps[k] || 0) + v; });
}

// ---- idle: attract loop, "still there?", reset --------------------------------------------------------
let lastInput = Date.now(), countdownEnd = null, attractOn = false, slide = 0;
function resetShopper() {
  st.compareSel = []; st.sub.category = null; st.sub.cls = null; st.sub.price = ""; st.assistNote = "";
  if (st.map) st.map.setTarget(null);
  if (st.assist && st.assist.state === "resolved") st.assist = null;
  setLang("zh");
  show("products");
  applyLang();
  window.scrollTo(0, 0);
  for (const e of document.querySelectorAll(".k-main, .k-panel")) e.scrollTop = 0;
}
function showAttract(on) {
  attractOn = on;
  $("attract").classList.toggle("hidden", !on);
  document.body.classList.toggle("attract-on", on);
  if (on) nextSlide();
}
export function nextSlide() {
  if (!attractOn || !st.content) return;
  const c = st.content;
  const items = [...c.promotions.map((p) => ({ promo: p })), ...c.products.map((p) => ({ product: p }))];
  const box = $("attract-slide");
  const head = el("div", { class: "k-attract-zone" });
  head.append(el("div", { class: "zh" }, st.me.name_zh), el("div", { class: "en" }, st.me.name_en));
  if (!items.length) { box.replaceChildren(head); return; }
  const it = items[slide++ % items.length];
  const card = el("div", { class: "k-attract-card" });
  if (it.product) {
    card.append(drawPicture(it.product.picture, it.product.name.en), el("div", { class: "zh" }, it.product.name.zh),
                el("div", { class: "en" }, it.product.name.en), el("div", { class: "p-now" }, money(it.product.price)));
  } else {
    card.append(el("div", { class: "zh" }, it.promo.title.zh), el("div", { class: "en" }, it.promo.title.en),
                el("div", { class: "k-muted" }, it.promo.detail.zh + " · " + it.promo.detail.en));
  }
  box.replaceChildren(head, card);
}
function idleTick() {
  const now = Date.now();
  if (countdownEnd !== null) {
    const left = Math.max(0, Math.ceil((countdownEnd - now) / 1000));
    $("still-count").textContent = String(left);
    if (left <= 0) {
      countdownEnd = null;
      $("still").classList.add("hidden");
      endSession(); resetShopper(); showAttract(true);
    }
    return;
  }
  if (!attractOn && now - lastInput >= IDLE_S * 1000) {
    if (sessionStart !== null) {
      countdownEnd = now + COUNTDOWN_S * 1000;
      $("still-count").textContent = String(COUNTDOWN_S);
      $("still").classList.remove("hidden");
    } else { resetShopper(); showAttract(true); }
  }
}
export function stillHere() { countdownEnd = null; $("still").classList.add("hidden"); lastInput = Date.now(); }

/* Touch input: ends the attract loop, answers "still there?", counts taps per feature; no selection, no zoom. */
export function watchInput() {
  document.addEventListener("pointerdown", (e) => {
    lastInput = Date.now();
    if (attractOn) { showAttract(false); startSession(); tap("attract"); e.preventDefault(); e.stopPropagation(); return; }
    if (countdownEnd !== null) { countdownEnd = null; $("still").classList.add("hidden"); }
    startSession();
    const f = e.target.closest && e.target.closest("[data-feature]");
    if (f) tap(f.dataset.feature);
  }, true);
  document.addEventListener("keydown", () => { lastInput = Date.now(); }, true);
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  document.addEventListener("selectstart", (e) => e.preventDefault());
  document.addEventListener("gesturestart", (e) => e.preventDefault());
  document.addEventListener("touchmove", (e) => { if (e.touches && e.touches.length > 1) e.preventDefault(); }, { passive: false });
  document.addEventListener("dblclick", (e) => e.preventDefault());
}

/* The idle clock and the attract loop's slide change. */
export function startIdle() {
  setInterval(idleTick, 250);
  setInterval(() => { if (attractOn) nextSlide(); }, 5000);
}
