/* Drawing the kiosk from the state: header, live crowd and checkout, featured products, compare, subsidy
   calculator, wayfinding side panel, call-staff state; tab switching. Nothing here talks to the network. */
import { el } from "/static/common/live.js";
import { el as svgEl } from "/static/common/svg.js";
import { draw as drawPicture } from "/static/kiosk/pictures.js";
import { item as subsidyItem } from "/static/kiosk/subsidy.js";
import { lang, money, t, txt } from "/static/kiosk/i18n.js";
import { $, st, zoneId } from "/static/kiosk/state.js";

/** Whole minutes for shoppers: "<1" for a moment, "15+" beyond a quarter of an hour, "–" when unknown. */
function waitText(minutes) {
  if (minutes == null || !Number.isFinite(minutes)) return "–";
  if (minutes > 15) return "15+";
  return minutes < 1 ? "<1" : String(Math.round(minutes));
}

export function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.body.dataset.lang = lang;
  $("lang").textContent = lang === "zh" ? "EN" : "中文";
  for (const e of document.querySelectorAll("[data-i18n]")) { const v = t(e.dataset.i18n); if (typeof v === "string") e.textContent = v; }
  renderAll();
}
function renderHeader() {
  $("zone-zh").textContent = lang === "zh" ? st.me.name_zh : st.me.name_en;
  $("zone-en").textContent = lang === "zh" ? st.me.name_en : st.me.name_zh;
  document.title = st.me.name_zh + " · " + st.me.name_en;
}
export function renderZone() {
  if (!st.zoneLive) return;
  const p = st.zoneLive;
  $("occupancy").textContent = p.occupancy;
  $("capacity").textContent = p.capacity;
  const fill = $("meter-fill");
  fill.style.width = Math.min(100, p.pct) + "%";
  fill.className = "bg-" + p.level;
  $("level").textContent = t("level")[p.level] + " · " + p.pct + "%";
  $("level").className = "level lv-" + p.level;
}
export function renderCheckout() {
  const c = st.checkout;
  $("checkout-wait").textContent = waitText(c ? c.expected_wait_minutes : null);
  $("checkout-open").textContent = c && c.open_counters != null ? String(c.open_counters) : "–";
  const src = c ? t(c.source === "staffing" ? "src_staffing" : "src_estimate") : "";
  $("checkout-src").textContent = st.conn === "offline" || st.conn === "reconnecting" ? [src, t("src_offline")].filter(Boolean).join(" · ") : src;
}
/* The connection pill, in the kiosk's language: live, updating… (connected but no answer), reconnecting, offline. */
export function renderConn() {
  const conn = $("conn");
  conn.className = "conn " + (st.conn === "live" ? "online" : st.conn === "stale" ? "stale" : "offline");
  conn.textContent = t(st.conn);
  document.body.classList.toggle("is-offline", st.conn === "offline" || st.conn === "reconnecting");
  renderCheckout();
}
function productById(id) { return st.content && st.content.products.find((p) => p.id === id); }
export function renderProducts() {
  if (!st.content) return;
  $("tagline").textContent = txt(st.content.tagline) || txt(st.content.title);
  $("promotions").replaceChildren(...st.content.promotions.map((pr) => {
    const d = el("div", { class: "k-promo", "data-promo": pr.id });
    d.append(el("strong", {}, txt(pr.title)), el("span", {}, txt(pr.detail)));
    return d;
  }));
  $("products").replaceChildren(...st.content.products.map((p) => {
    const card = el("article", { class: "product", "data-product": p.id });
    const pic = el("div", { class: "pic-wrap" });
    pic.append(drawPicture(p.picture, txt(p.name)));
    const body = el("div", { class: "p-body" });
    body.append(el("div", { class: "p-brand" }, p.brand), el("h3", { class: "p-name" }, txt(p.name)));
    const price = el("div", { class: "p-price" });
    price.append(el("span", { class: "p-now" }, money(p.price)));
    if (p.was_price) price.append(el("s", { class: "p-was" }, money(p.was_price)));
    body.append(price);
    const specs = el("dl", { class: "p-specs" });
    for (const [k, v] of Object.entries(p.specs)) specs.append(el("dt", {}, txt(st.content.spec_labels[k])), el("dd", {}, txt(v)));
    body.append(specs);
    if (p.highlights && p.highlights.length) {
      const ul = el("ul", { class: "p-hl" });
      for (const h of p.highlights) ul.append(el("li", {}, txt(h)));
      body.append(ul);
    }
    const actions = el("div", { class: "p-actions" });
    const on = st.compareSel.includes(p.id);
    const cb = el("button", { class: "k-btn compare-toggle" + (on ? " on" : ""), "data-product": p.id, "data-feature": "compare",
                              "aria-pressed": on ? "true" : "false" }, on ? t("compare_remove") : t("compare_add"));
    cb.addEventListener("click", () => toggleCompare(p.id));
    actions.append(cb);
    if (p.subsidy_category) {
      const sb = el("button", { class: "k-btn ghost p-subsidy", "data-feature": "subsidy" }, t("tab_subsidy"));
      sb.addEventListener("click", () => {
        st.sub.category = p.subsidy_category; st.sub.cls = p.energy_class || null; st.sub.price = String(Math.round(p.price));
        show("subsidy");
      });
      actions.append(sb);
    }
    body.append(actions);
    card.append(pic, body);
    return card;
  }));
}
function toggleCompare(id) {
  if (st.compareSel.includes(id)) st.compareSel = st.compareSel.filter((x) => x !== id);
  else if (st.compareSel.length < 3) st.compareSel.push(id);
  else { st.compareSel.shift(); st.compareSel.push(id); }
  renderProducts(); renderCompare();
}
export function renderCompare() {
  st.compareSel = st.compareSel.filter((id) => productById(id));
  $("compare-count").textContent = String(st.compareSel.length);
  const items = st.compareSel.map(productById);
  const root = $("compare");
  if (items.length < 2) { root.replaceChildren(); $("compare-clear").hidden = items.length === 0; return; }
  $("compare-clear").hidden = false;
  const table = el("table", { id: "compare-table", class: "k-table" });
  const head = el("tr");
  head.append(el("th"));
  for (const p of items) {
    const th = el("th", { "data-product": p.id });
    th.append(drawPicture(p.picture, txt(p.name)), el("div", {}, txt(p.name)));
    head.append(th);
  }
  table.append(head);
  const row = (label, vals) => { const tr = el("tr"); tr.append(el("th", {}, label)); for (const v of vals) tr.append(el("td", {}, v)); table.append(tr); };
  row(t("brand"), items.map((p) => p.brand));
  row(t("price"), items.map((p) => money(p.price)));
  const keys = [...new Set(items.flatMap((p) => Object.keys(p.specs)))];
  for (const k of keys) row(txt(st.content.spec_labels[k]), items.map((p) => (p.specs[k] == null ? "—" : txt(p.specs[k]))));
  root.replaceChildren(table);
}
export function renderSubsidy() {
  if (!st.content) return;
  const rules = st.content.subsidy;
  $("sub-title").textContent = txt(rules.title);
  $("sub-note").textContent = txt(rules.note);
  $("sub-cats").replaceChildren(...rules.categories.map((c) => {
    const b = el("button", { class: "k-chip" + (st.sub.category === c.id ? " on" : ""), "data-cat": c.id, "data-feature": "subsidy" }, txt(c.name));
    b.addEventListener("click", () => { st.sub.category = c.id; renderSubsidy(); });
    return b;
  }));
  $("sub-classes").replaceChildren(...[1, 2, 3, 4, 5].map((n) => {
    const b = el("button", { class: "k-chip" + (st.sub.cls === n ? " on" : ""), "data-class": String(n), "data-feature": "subsidy" }, t("class_n")(n));
    b.addEventListener("click", () => { st.sub.cls = n; renderSubsidy(); });
    return b;
  }));
  $("sub-price").textContent = st.sub.price ? money(Number(st.sub.price)) : "¥0";
  $("sub-price").dataset.value = st.sub.price;
  const res = $("sub-result");
  const r = st.sub.category && st.sub.cls && Number(st.sub.price) > 0 ? subsidyItem(rules, st.sub.category, st.sub.cls, Number(st.sub.price)) : null;
  if (!r) { res.replaceChildren(el("span", { class: "k-muted" }, t("sub_enter"))); res.dataset.subsidy = ""; return; }
  res.dataset.subsidy = String(r.subsidy);
  const big = el("div", { class: "k-result-big" });
  big.append(el("span", {}, t("sub_for") + " "), el("strong", { id: "sub-amount" }, money(r.subsidy)));
  const line = el("div", {}, `${t("sub_pay")} ${money(r.pay)} · ${t("sub_rate")} ${Math.round(r.rate * 100)}%` +
    (r.capped ? ` · ${t("sub_capped")} ${money(r.cap)}` : "") + (r.eligible ? "" : ` · ${t("sub_none")}`));
  res.replaceChildren(big, line);
}
function backspaceIcon() {  // drawn, not a font glyph
  const svg = svgEl("svg", { viewBox: "0 0 24 24", "aria-hidden": "true" });
  svg.append(svgEl("path", { d: "M8 5h12v14H8l-6-7z" }), svgEl("path", { d: "M11 9l6 6M17 9l-6 6" }));
  return svg;
}
function buildKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "back"];
  $("keypad").replaceChildren(...keys.map((k) => {
    const b = el("button", { class: "k-key", "data-key": k, "data-feature": "subsidy" }, k === "C" ? t("clear") : k === "back" ? undefined : k);
    if (k === "back") { b.setAttribute("aria-label", t("backspace")); b.append(backspaceIcon()); }
    b.addEventListener("click", () => {
      if (k === "C") st.sub.price = "";
      else if (k === "back") st.sub.price = st.sub.price.slice(0, -1);
      else if (st.sub.price.length < 7 && !(st.sub.price === "" && k === "0")) st.sub.price += k;
      renderSubsidy();
    });
    return b;
  }));
}
/* "Quiet now": zones of the same category that are quieter than this one right now (never a busier one). */
function quietSuggestions() {
  const here = st.zoneLive || st.crowd[zoneId];
  if (!here) return [];
  return st.mall.zones.filter((z) => z.id !== zoneId && z.category === st.me.category && st.crowd[z.id] && st.crowd[z.id].pct < here.pct)
    .sort((a, b) => st.crowd[a.id].pct - st.crowd[b.id].pct).slice(0, 4);
}
function zname(z) { return lang === "zh" ? z.name_zh : z.name_en; }
function floorName(fid) { const f = st.mall.floors.find((x) => x.id === fid); return f ? (lang === "zh" ? f.name_zh : f.name_en) : String(fid); }
export function renderMapSide() {
  if (!st.mall) return;
  const q = quietSuggestions();
  $("quiet").replaceChildren(...(q.length ? q.map((z) => {
    const li = el("li");
    const b = el("button", { class: "k-btn dest quiet-dest", "data-zone": z.id, "data-feature": "quiet" });
    b.append(el("span", {}, zname(z)), el("span", { class: "lv-" + st.crowd[z.id].level }, `${t("level")[st.crowd[z.id].level]} · ${st.crowd[z.id].pct}%`));
    b.addEventListener("click", () => pickDest(z.id));
    li.append(b);
    return li;
  }) : [el("li", { class: "k-muted" }, t("none_quiet"))]));
  const tg = st.map && st.map.target();
  $("route-text").textContent = tg ? (st.zones[tg].floor === st.me.floor ? t("route_same")(zname(st.zones[tg])) : t("route_floor")(zname(st.zones[tg]), floorName(st.zones[tg].floor))) : "";
}
function renderDests() {
  const others = st.mall.zones.filter((z) => z.id !== zoneId);
  $("dests").replaceChildren(...others.map((z) => {
    const b = el("button", { class: "k-btn ghost dest", "data-zone": z.id, "data-feature": "route" }, zname(z));
    b.addEventListener("click", () => pickDest(z.id));
    return b;
  }));
}
export function pickDest(id) {
  if (st.map) { st.map.setTarget(id); st.map.setLevels(st.crowd); }
  renderMapSide(); show("map");
  $("map").scrollIntoView({ block: "start" });
}
export function renderAssist() {
  const box = $("assist");
  const readOnly = st.enrolled === false;  // an unenrolled kiosk cannot call staff: say so instead of failing silently
  const a = readOnly ? null : st.assist;
  $("reasons").hidden = readOnly;
  $("help-hint").hidden = readOnly;
  box.dataset.state = readOnly ? "not_enrolled" : a ? a.state : "none";
  $("assist-state").textContent = readOnly ? t("not_enrolled") : st.assistNote || (a ? t("st_" + a.state) : "");
  $("assist-by").textContent = readOnly ? t("not_enrolled_how") : a && a.by_name ? (a.state === "resolved" ? t("by_done")(a.by_name) : t("by")(a.by_name)) : "";
  for (const b of document.querySelectorAll("button.reason")) b.disabled = !!(a && a.state !== "resolved");
}
function renderAll() {
  if (!st.me) return;
  renderHeader(); renderZone(); renderConn(); renderProducts(); renderCompare(); renderSubsidy(); buildKeypad();
  if (st.map) st.map.setLang(lang), st.map.setLevels(st.crowd);
  renderDests(); renderMapSide(); renderAssist();
}
export function show(name) {
  st.tab = name;
  for (const b of document.querySelectorAll(".k-tab")) b.classList.toggle("active", b.dataset.tab === name);
  for (const p of document.querySelectorAll(".k-panel")) p.classList.toggle("active", p.id === "panel-" + name);
  if (name === "subsidy") renderSubsidy();
  if (name === "compare") renderCompare();
}
