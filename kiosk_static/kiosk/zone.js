/* A zone's kiosk: content, compare, subsidy calculator, wayfinding, live crowd and checkout, call staff,
   attract loop / "still there?" / reset, heartbeat, offline cache, engagement counters (no personal data). */
"use strict";
(function () {
  const VERSION = "kiosk-1";
  const params = new URLSearchParams(location.search);
  const num = (k, d) => { const v = Number(params.get(k)); return Number.isFinite(v) && v > 0 ? v : d; };
  const IDLE_S = num("idle", 60), COUNTDOWN_S = num("countdown", 15), HEARTBEAT_S = 15, FLUSH_S = 30;
  const zoneId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => Live.el(tag, attrs, text);

  const T = {
    zh: { here_now: "此刻人数", checkout: "收银台", minutes_wait: "分钟等候", counters_open: "个收银台开放",
      tab_products: "推荐商品", tab_compare: "对比", tab_subsidy: "以旧换新补贴", tab_map: "楼层导航", tab_help: "呼叫店员",
      compare_hint: "在“推荐商品”中选择 2–3 件商品进行对比", compare_clear: "清空对比", compare_add: "加入对比", compare_remove: "移出对比",
      compare_full: "最多对比 3 件", sub_category: "品类", sub_class: "能效等级", sub_price: "售价 (元)", sub_calc: "计算补贴",
      sub_for: "补贴", sub_pay: "到手价", sub_rate: "补贴比例", sub_capped: "已达单件封顶", sub_none: "该能效等级不享受补贴",
      sub_enter: "请选择品类、能效等级并输入售价", class_n: (n) => `${n} 级`, clear: "清除",
      quiet_now: "此刻人少 · 同类体验区", go_to: "前往其他体验区", none_quiet: "同类体验区目前都较忙",
      route_same: (z) => `沿蓝色路线前往「${z}」`, route_floor: (z, f) => `乘扶梯前往 ${f}，再沿路线到「${z}」`,
      help_hint: "选择需要的帮助，店员会尽快过来", r_product_question: "商品咨询", r_checkout_help: "结账帮助",
      r_accessibility: "无障碍协助", r_other: "其他", st_sent: "已发送，店员正在赶来", st_acknowledged: "店员已接单",
      st_resolved: "已完成，感谢您的耐心", by: (n) => `${n} 正在赶来`, by_done: (n) => `由 ${n} 处理`,
      too_soon: (s) => `请求已发送，请 ${s} 秒后再试`, send_failed: "网络不可用，请稍后再试",
      still_there: "还在吗？", still_yes: "我还在", live: "● 实时", offline: "● 离线", reconnecting: "● 重连中",
      src_staffing: "来自排班系统", src_estimate: "根据收银区人数估算", price: "售价", was: "原价", brand: "品牌",
      level: { quiet: "空闲", moderate: "适中", busy: "繁忙", full: "已满", unknown: "–" }, yuan: "¥" },
    en: { here_now: "People here now", checkout: "Checkout", minutes_wait: "min wait", counters_open: "counters open",
      tab_products: "Featured", tab_compare: "Compare", tab_subsidy: "Trade-in subsidy", tab_map: "Find your way", tab_help: "Call staff",
      compare_hint: "Pick 2–3 products under Featured to compare them", compare_clear: "Clear comparison", compare_add: "Compare", compare_remove: "Remove",
      compare_full: "Up to 3 products", sub_category: "Category", sub_class: "Energy class", sub_price: "Price (CNY)", sub_calc: "Calculate",
      sub_for: "Subsidy", sub_pay: "You pay", sub_rate: "Rate", sub_capped: "Capped per item", sub_none: "No subsidy for this energy class",
      sub_enter: "Choose a category and an energy class, then enter the price", class_n: (n) => `Class ${n}`, clear: "Clear",
      quiet_now: "Quiet now · similar zones", go_to: "Go to another zone", none_quiet: "Similar zones are busy right now",
      route_same: (z) => `Follow the blue route to ${z}`, route_floor: (z, f) => `Take the escalator to ${f}, then follow the route to ${z}`,
      help_hint: "Choose what you need; a staff member will come", r_product_question: "Product question", r_checkout_help: "Checkout help",
      r_accessibility: "Accessibility help", r_other: "Other", st_sent: "Sent: a staff member is on the way", st_acknowledged: "Acknowledged",
      st_resolved: "Resolved, thank you for waiting", by: (n) => `${n} is coming`, by_done: (n) => `Handled by ${n}`,
      too_soon: (s) => `Request already sent; try again in ${s} s`, send_failed: "Network unavailable; please try again",
      still_there: "Still there?", still_yes: "I'm still here", live: "● live", offline: "● offline", reconnecting: "● reconnecting",
      src_staffing: "From the staffing system", src_estimate: "Estimated from the checkout area", price: "Price", was: "Was", brand: "Brand",
      level: { quiet: "Quiet", moderate: "Moderate", busy: "Busy", full: "Full", unknown: "–" }, yuan: "¥" },
  };
  let lang = "zh";
  const t = (k) => T[lang][k];
  const txt = (o) => (o == null ? "" : typeof o === "string" ? o : o[lang] || o.zh || o.en || "");
  const money = (v) => "¥" + Number(v).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 2 });

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
  const KIOSK = kioskId();

  // ---- state ------------------------------------------------------------------------------------------
  let mall = null, zones = {}, me = null, content = null, map = null, coZone = null;
  const crowd = {};
  let zoneLive = null, checkout = null, assist = null, assistNote = "";
  let compareSel = [];
  const sub = { category: null, cls: null, price: "" };
  let tab = "products";

  // ---- rendering --------------------------------------------------------------------------------------
  function applyLang() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.body.dataset.lang = lang;
    $("lang").textContent = lang === "zh" ? "EN" : "中文";
    for (const e of document.querySelectorAll("[data-i18n]")) { const v = t(e.dataset.i18n); if (typeof v === "string") e.textContent = v; }
    renderAll();
  }
  function renderHeader() {
    $("zone-zh").textContent = lang === "zh" ? me.name_zh : me.name_en;
    $("zone-en").textContent = lang === "zh" ? me.name_en : me.name_zh;
    document.title = me.name_zh + " · " + me.name_en;
  }
  function renderZone() {
    if (!zoneLive) return;
    const p = zoneLive;
    $("occupancy").textContent = p.occupancy;
    $("capacity").textContent = p.capacity;
    const fill = $("meter-fill");
    fill.style.width = Math.min(100, p.pct) + "%";
    fill.className = "bg-" + p.level;
    $("level").textContent = t("level")[p.level] + " · " + p.pct + "%";
    $("level").className = "level lv-" + p.level;
  }
  function renderCheckout() {
    const c = checkout;
    $("checkout-wait").textContent = c && c.expected_wait_minutes != null ? String(c.expected_wait_minutes) : "–";
    $("checkout-open").textContent = c && c.open_counters != null ? String(c.open_counters) : "–";
    $("checkout-src").textContent = c ? t(c.source === "staffing" ? "src_staffing" : "src_estimate") : "";
  }
  function productById(id) { return content && content.products.find((p) => p.id === id); }
  function renderProducts() {
    if (!content) return;
    $("tagline").textContent = txt(content.tagline) || txt(content.title);
    $("promotions").replaceChildren(...content.promotions.map((pr) => {
      const d = el("div", { class: "k-promo", "data-promo": pr.id });
      d.append(el("strong", {}, txt(pr.title)), el("span", {}, txt(pr.detail)));
      return d;
    }));
    $("products").replaceChildren(...content.products.map((p) => {
      const card = el("article", { class: "product", "data-product": p.id });
      const pic = el("div", { class: "pic-wrap" });
      pic.append(KPictures.draw(p.picture, txt(p.name)));
      const body = el("div", { class: "p-body" });
      body.append(el("div", { class: "p-brand" }, p.brand), el("h3", { class: "p-name" }, txt(p.name)));
      const price = el("div", { class: "p-price" });
      price.append(el("span", { class: "p-now" }, money(p.price)));
      if (p.was_price) price.append(el("s", { class: "p-was" }, money(p.was_price)));
      body.append(price);
      const specs = el("dl", { class: "p-specs" });
      for (const [k, v] of Object.entries(p.specs)) specs.append(el("dt", {}, txt(content.spec_labels[k])), el("dd", {}, txt(v)));
      body.append(specs);
      if (p.highlights && p.highlights.length) {
        const ul = el("ul", { class: "p-hl" });
        for (const h of p.highlights) ul.append(el("li", {}, txt(h)));
        body.append(ul);
      }
      const actions = el("div", { class: "p-actions" });
      const on = compareSel.includes(p.id);
      const cb = el("button", { class: "k-btn compare-toggle" + (on ? " on" : ""), "data-product": p.id, "data-feature": "compare",
                                "aria-pressed": on ? "true" : "false" }, on ? t("compare_remove") : t("compare_add"));
      cb.addEventListener("click", () => toggleCompare(p.id));
      actions.append(cb);
      if (p.subsidy_category) {
        const sb = el("button", { class: "k-btn ghost p-subsidy", "data-feature": "subsidy" }, t("tab_subsidy"));
        sb.addEventListener("click", () => {
          sub.category = p.subsidy_category; sub.cls = p.energy_class || null; sub.price = String(Math.round(p.price));
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
    if (compareSel.includes(id)) compareSel = compareSel.filter((x) => x !== id);
    else if (compareSel.length < 3) compareSel.push(id);
    else { compareSel.shift(); compareSel.push(id); }
    renderProducts(); renderCompare();
  }
  function renderCompare() {
    compareSel = compareSel.filter((id) => productById(id));
    $("compare-count").textContent = String(compareSel.length);
    const items = compareSel.map(productById);
    const root = $("compare");
    if (items.length < 2) { root.replaceChildren(); $("compare-clear").hidden = items.length === 0; return; }
    $("compare-clear").hidden = false;
    const table = el("table", { id: "compare-table", class: "k-table" });
    const head = el("tr");
    head.append(el("th"));
    for (const p of items) {
      const th = el("th", { "data-product": p.id });
      th.append(KPictures.draw(p.picture, txt(p.name)), el("div", {}, txt(p.name)));
      head.append(th);
    }
    table.append(head);
    const row = (label, vals) => { const tr = el("tr"); tr.append(el("th", {}, label)); for (const v of vals) tr.append(el("td", {}, v)); table.append(tr); };
    row(t("brand"), items.map((p) => p.brand));
    row(t("price"), items.map((p) => money(p.price)));
    const keys = [...new Set(items.flatMap((p) => Object.keys(p.specs)))];
    for (const k of keys) row(txt(content.spec_labels[k]), items.map((p) => (p.specs[k] == null ? "—" : txt(p.specs[k]))));
    root.replaceChildren(table);
  }
  function renderSubsidy() {
    if (!content) return;
    const rules = content.subsidy;
    $("sub-title").textContent = txt(rules.title);
    $("sub-note").textContent = txt(rules.note);
    $("sub-cats").replaceChildren(...rules.categories.map((c) => {
      const b = el("button", { class: "k-chip" + (sub.category === c.id ? " on" : ""), "data-cat": c.id, "data-feature": "subsidy" }, txt(c.name));
      b.addEventListener("click", () => { sub.category = c.id; renderSubsidy(); });
      return b;
    }));
    $("sub-classes").replaceChildren(...[1, 2, 3, 4, 5].map((n) => {
      const b = el("button", { class: "k-chip" + (sub.cls === n ? " on" : ""), "data-class": String(n), "data-feature": "subsidy" }, t("class_n")(n));
      b.addEventListener("click", () => { sub.cls = n; renderSubsidy(); });
      return b;
    }));
    $("sub-price").textContent = sub.price ? money(Number(sub.price)) : "¥0";
    $("sub-price").dataset.value = sub.price;
    const res = $("sub-result");
    const r = sub.category && sub.cls && Number(sub.price) > 0 ? KSubsidy.item(rules, sub.category, sub.cls, Number(sub.price)) : null;
    if (!r) { res.replaceChildren(el("span", { class: "k-muted" }, t("sub_enter"))); res.dataset.subsidy = ""; return; }
    res.dataset.subsidy = String(r.subsidy);
    const big = el("div", { class: "k-result-big" });
    big.append(el("span", {}, t("sub_for") + " "), el("strong", { id: "sub-amount" }, money(r.subsidy)));
    const line = el("div", {}, `${t("sub_pay")} ${money(r.pay)} · ${t("sub_rate")} ${Math.round(r.rate * 100)}%` +
      (r.capped ? ` · ${t("sub_capped")} ${money(r.cap)}` : "") + (r.eligible ? "" : ` · ${t("sub_none")}`));
    res.replaceChildren(big, line);
  }
  function buildKeypad() {
    const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "⌫"];
    $("keypad").replaceChildren(...keys.map((k) => {
      const b = el("button", { class: "k-key", "data-key": k, "data-feature": "subsidy" }, k === "C" ? t("clear") : k);
      b.addEventListener("click", () => {
        if (k === "C") sub.price = "";
        else if (k === "⌫") sub.price = sub.price.slice(0, -1);
        else if (sub.price.length < 7 && !(sub.price === "" && k === "0")) sub.price += k;
        renderSubsidy();
      });
      return b;
    }));
  }
  function quietSuggestions() {
    return mall.zones.filter((z) => z.id !== zoneId && z.category === me.category && crowd[z.id] && crowd[z.id].pct < 50)
      .sort((a, b) => crowd[a.id].pct - crowd[b.id].pct).slice(0, 4);
  }
  function zname(z) { return lang === "zh" ? z.name_zh : z.name_en; }
  function floorName(fid) { const f = mall.floors.find((x) => x.id === fid); return f ? (lang === "zh" ? f.name_zh : f.name_en) : String(fid); }
  function renderMapSide() {
    if (!mall) return;
    const q = quietSuggestions();
    $("quiet").replaceChildren(...(q.length ? q.map((z) => {
      const li = el("li");
      const b = el("button", { class: "k-btn dest quiet-dest", "data-zone": z.id, "data-feature": "quiet" });
      b.append(el("span", {}, zname(z)), el("span", { class: "lv-" + crowd[z.id].level }, `${t("level")[crowd[z.id].level]} · ${crowd[z.id].pct}%`));
      b.addEventListener("click", () => pickDest(z.id));
      li.append(b);
      return li;
    }) : [el("li", { class: "k-muted" }, t("none_quiet"))]));
    const tg = map && map.target();
    $("route-text").textContent = tg ? (zones[tg].floor === me.floor ? t("route_same")(zname(zones[tg])) : t("route_floor")(zname(zones[tg]), floorName(zones[tg].floor))) : "";
  }
  function renderDests() {
    const others = mall.zones.filter((z) => z.id !== zoneId);
    $("dests").replaceChildren(...others.map((z) => {
      const b = el("button", { class: "k-btn ghost dest", "data-zone": z.id, "data-feature": "route" }, zname(z));
      b.addEventListener("click", () => pickDest(z.id));
      return b;
    }));
  }
  function pickDest(id) {
    if (map) { map.setTarget(id); map.setLevels(crowd); }
    renderMapSide(); show("map");
    $("map").scrollIntoView({ block: "start" });
  }
  function renderAssist() {
    const box = $("assist");
    const a = assist;
    box.dataset.state = a ? a.state : "none";
    $("assist-state").textContent = assistNote || (a ? t("st_" + a.state) : "");
    $("assist-by").textContent = a && a.by_name ? (a.state === "resolved" ? t("by_done")(a.by_name) : t("by")(a.by_name)) : "";
    for (const b of document.querySelectorAll("button.reason")) b.disabled = !!(a && a.state !== "resolved");
  }
  function renderAll() {
    if (!me) return;
    renderHeader(); renderZone(); renderCheckout(); renderProducts(); renderCompare(); renderSubsidy(); buildKeypad();
    if (map) map.setLang(lang), map.setLevels(crowd);
    renderDests(); renderMapSide(); renderAssist();
  }
  function show(name) {
    tab = name;
    for (const b of document.querySelectorAll(".k-tab")) b.classList.toggle("active", b.dataset.tab === name);
    for (const p of document.querySelectorAll(".k-panel")) p.classList.toggle("active", p.id === "panel-" + name);
    if (name === "subsidy") renderSubsidy();
    if (name === "compare") renderCompare();
  }

  // ---- engagement (counters only) --------------------------------------------------------------------
  const eng = { sessions: 0, session_ms: 0, taps: {} };
  let sessionStart = null;
  function tap(feature) { if (feature) eng.taps[feature] = (eng.taps[feature] || 0) + 1; }
  function startSession() { if (sessionStart === null) { sessionStart = Date.now(); eng.sessions += 1; } }
  function endSession() { if (sessionStart !== null) { eng.session_ms += Date.now() - sessionStart; sessionStart = null; flush(); } }
  function flush() {
    const body = { zone: zoneId, sessions: eng.sessions, session_ms: eng.session_ms, taps: eng.taps };
    if (!body.sessions && !body.session_ms && !Object.keys(body.taps).length) return;
    eng.sessions = 0; eng.session_ms = 0; eng.taps = {};
    fetch("/api/v1/kiosk/engagement", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), keepalive: true })
      .then((r) => { if (!r.ok && r.status >= 500) throw new Error(r.status); })
      .catch(() => { eng.sessions += body.sessions; eng.session_ms += body.session_ms; for (const [k, v] of Object.entries(body.taps)) eng.taps[k] = (eng.taps[k] || 0) + v; });
  }

  // ---- idle: attract loop, "still there?", reset ------------------------------------------------------
  let lastInput = Date.now(), countdownEnd = null, attractOn = false, slide = 0;
  function resetShopper() {
    compareSel = []; sub.category = null; sub.cls = null; sub.price = ""; assistNote = "";
    if (map) map.setTarget(null);
    if (assist && assist.state === "resolved") assist = null;
    lang = "zh";
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
  function nextSlide() {
    if (!attractOn || !content) return;
    const items = [...content.promotions.map((p) => ({ promo: p })), ...content.products.map((p) => ({ product: p }))];
    const box = $("attract-slide");
    const head = el("div", { class: "k-attract-zone" });
    head.append(el("div", { class: "zh" }, me.name_zh), el("div", { class: "en" }, me.name_en));
    if (!items.length) { box.replaceChildren(head); return; }
    const it = items[slide++ % items.length];
    const card = el("div", { class: "k-attract-card" });
    if (it.product) {
      card.append(KPictures.draw(it.product.picture, it.product.name.en), el("div", { class: "zh" }, it.product.name.zh),
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

  // ---- network: content, checkout, call staff ----------------------------------------------------------
  async function getJSON(url) { const r = await fetch(url, { cache: "no-cache" }); if (!r.ok) throw new Error(url + " " + r.status); return r.json(); }
  function setContent(c) {
    if (!c || (content && content.version === c.version && JSON.stringify(content.subsidy) === JSON.stringify(c.subsidy))) return;
    content = c;
    document.body.dataset.contentVersion = c.version;
    renderProducts(); renderCompare(); renderSubsidy();
    if (attractOn) nextSlide();
  }
  async function refreshContent() { try { setContent(await getJSON("/api/v1/kiosk/content/" + encodeURIComponent(zoneId))); } catch (e) { /* offline: keep */ } }
  let coTimer = null;
  async function refreshCheckout() {
    clearTimeout(coTimer);
    coTimer = setTimeout(refreshCheckout, 10000);
    try { checkout = await getJSON("/api/v1/kiosk/checkout"); renderCheckout(); } catch (e) { /* offline: keep the last figures */ }
  }
  let assistRetryAt = 0; // the server allows one request per kiosk every 30 s; don't send what it would refuse
  async function callStaff(reason) {
    assistNote = "";
    const wait = Math.ceil((assistRetryAt - Date.now()) / 1000);
    if (wait > 0) { assistNote = t("too_soon")(wait); renderAssist(); return; }
    try {
      const r = await fetch("/api/v1/assist", { method: "POST", headers: { "Content-Type": "application/json" },
                                                body: JSON.stringify({ zone: zoneId, kiosk: KIOSK, reason }) });
      if (r.status === 201) { assist = await r.json(); assistRetryAt = Date.now() + 30000; }
      else if (r.status === 429) {
        const ra = Number(r.headers.get("Retry-After")) || 30;
        assistRetryAt = Date.now() + ra * 1000;
        assistNote = t("too_soon")(ra);
      }
      else { assistNote = t("send_failed"); }
    } catch (e) { assistNote = t("send_failed"); }
    renderAssist();
  }
  for (const b of document.querySelectorAll("button.reason")) b.addEventListener("click", () => callStaff(b.dataset.reason));
  for (const b of document.querySelectorAll(".k-tab")) b.addEventListener("click", () => show(b.dataset.tab));
  $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; applyLang(); });
  $("compare-clear").addEventListener("click", () => { compareSel = []; renderProducts(); renderCompare(); });
  $("still-yes").addEventListener("click", () => { countdownEnd = null; $("still").classList.add("hidden"); lastInput = Date.now(); });

  // ---- offline cache ------------------------------------------------------------------------------------
  async function setupOffline() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register("/kiosk/sw.js", { scope: "/kiosk/" });
      await navigator.serviceWorker.ready;
      const cache = await caches.open("kiosk-pages-v1");
      await cache.addAll([location.pathname + location.search, "/api/v1/mall", "/api/v1/kiosk/content/" + encodeURIComponent(zoneId)]);
      document.body.dataset.offlineReady = "1";
    } catch (e) { /* offline or unsupported: the page still works online */ }
  }

  // ---- start --------------------------------------------------------------------------------------------
  async function start() {
    try {
      [mall, content] = await Promise.all([getJSON("/api/v1/mall"), getJSON("/api/v1/kiosk/content/" + encodeURIComponent(zoneId))]);
    } catch (e) {
      $("zone-zh").textContent = "…"; setTimeout(start, 3000); return;
    }
    zones = Object.fromEntries(mall.zones.map((z) => [z.id, z]));
    me = zones[zoneId];
    coZone = mall.zones.find((z) => z.category === "checkout");
    document.body.dataset.contentVersion = content.version;
    document.body.dataset.kiosk = KIOSK;
    map = KMap.create($("map"), mall, zoneId, { onPick: (id) => { tap("route"); pickDest(id); } });
    applyLang();
    const conn = $("conn");
    let first = true;
    const socket = Live.connect((s) => {
      s.emit("subscribe", { zone: zoneId, kiosk: KIOSK });
      s.emit("kiosk_heartbeat", { kiosk: KIOSK, zone: zoneId, version: VERSION });
      if (!first) { refreshContent(); }
      first = false;
      refreshCheckout();
    }, conn);
    const setConn = () => { const on = socket.connected; conn.textContent = on ? t("live") : t("offline"); document.body.classList.toggle("is-offline", !on); };
    socket.on("connect", setConn); socket.on("disconnect", setConn);
    socket.on("connect_error", () => { conn.className = "conn offline"; setConn(); });
    socket.io.on("reconnect_attempt", () => { conn.textContent = t("reconnecting"); });
    socket.on("zone", (p) => { if (p.zone === zoneId) { zoneLive = p; renderZone(); } });
    socket.on("crowd", (m) => {
      for (const p of m.zones) crowd[p.zone] = p;
      if (map) map.setLevels(crowd);
      renderMapSide();
      if (coZone && m.zones.some((p) => p.zone === coZone.id) && checkout && checkout.source === "estimate") refreshCheckout();
    });
    socket.on("content", (c) => { if (c && c.zone === zoneId) setContent(c); });
    socket.on("checkout", (c) => {  // a full summary (counters changed) or the staffing engine's public part
      if (c && c.source) { checkout = c; renderCheckout(); } else refreshCheckout();
    });
    socket.on("assist", (a) => { if (a && a.kiosk === KIOSK) { assist = a; assistNote = ""; renderAssist(); } });
    setInterval(() => { if (socket.connected) socket.emit("kiosk_heartbeat", { kiosk: KIOSK, zone: zoneId, version: VERSION }); }, HEARTBEAT_S * 1000);
    setInterval(flush, FLUSH_S * 1000);
    setInterval(idleTick, 250);
    setInterval(() => { if (attractOn) nextSlide(); }, 5000);
    window.addEventListener("pagehide", () => { endSession(); });
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = "1";
    setupOffline();
  }
  start();
})();
