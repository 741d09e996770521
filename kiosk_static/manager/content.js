/* Kiosk content card (managers only): pick a zone; edit its featured products (add from the category's
   products, remove, reorder), promotions (中文 and English, optional dates) and tagline; see what the kiosk will
   show (the preview API, nothing written); publish (the server validates and its error is shown beside the
   field it names); the change history with restore; schedules of this version (start/end, days of week, daily
   window) with delete. All through /api/v1/manager/content/<zone> (server/manager/content_api.py).
   The module starts itself once the page has booted (body[data-ready]) so index.js only imports it. */
import * as Mgr from "/static/manager/core.js";
import { lang, mallTime, name, onLangChange, t } from "/static/manager/i18n.js";

/* This card's words in Chinese (English is the key, as in i18n.js); t() fills the {placeholders}. */
const ZH = {
  "Kiosk content": "自助屏内容", "Zone": "体验区", "Edit": "编辑", "Close": "收起", "Choose a zone": "选择体验区",
  "Tagline": "标语", "Featured products": "主推商品", "Product to add": "要添加的商品", "Add": "添加",
  "Promotions": "促销活动", "Add promotion": "添加促销", "Hide the category's promotions": "不显示品类的促销",
  "Note (optional)": "备注（可选）", "Publish now": "立即发布", "Preview: what the kiosk will show": "预览：自助屏将显示的内容",
  "Schedule this version": "按计划发布此版本", "Starts (mall time, 24 h)": "开始（商场时间，24 小时制）", "Start date": "开始日期", "Start time": "开始时间",
  "End date": "结束日期", "End time": "结束时间", "Ends (optional)": "结束（可选）",
  "Daily from (optional)": "每日开始（可选）", "Daily to (optional)": "每日结束（可选）", "Schedule": "加入计划",
  "Schedules": "发布计划", "Change history": "修改记录", "Days (none ticked: every day)": "星期（不选：每天）",
  "Move up": "上移", "Move down": "下移", "Remove": "移除", "Title": "标题", "Detail": "说明", "From date": "开始日期",
  "To date": "结束日期", "Promotion {n}": "促销 {n}", "Every product of the category (no selection yet)": "品类的全部商品（尚未选择）",
  "No promotions of this zone": "本体验区没有自己的促销", "Category promotions shown too: {list}": "同时显示品类促销：{list}",
  "Published #{id} at {t}": "已于 {t} 发布 #{id}", "Scheduled {id}": "已加入计划 {id}", "Restored #{id}": "已恢复 #{id}",
  "Schedule {id} deleted": "计划 {id} 已删除", "Preview not updated: {detail}": "预览未更新：{detail}",
  "Refused: {detail}": "未通过：{detail}", "No schedules": "没有计划", "No changes yet": "尚无修改",
  "every day": "每天", "daily {from}–{to}": "每日 {from}–{to}", "open-ended": "不设结束", "in force": "生效中",
  "active": "进行中", "Delete": "删除", "Restore": "恢复此版本", "Undo": "撤销", "by {who}": "操作人 {who}",
  "published": "发布", "scheduled {id}": "加入计划 {id}", "deleted schedule {id}": "删除计划 {id}",
  "on kiosks: schedule {id}": "自助屏生效：计划 {id}", "on kiosks: published version": "自助屏生效：已发布版本",
  "Now on kiosks: {what}": "自助屏当前：{what}", "schedule {id}": "计划 {id}", "the published version": "已发布版本",
  "tagline: {text}": "标语：{text}", "{n} products": "{n} 件商品", "{n} promotions": "{n} 个促销",
  "(category tagline)": "（品类标语）", "schedule {id} stays on the kiosks until it ends": "计划 {id} 结束前自助屏仍显示该计划", "undo #{id}": "撤销 #{id}", "Loading…": "加载中…",
};
const w = (msg, vars) => t((lang === "zh" && ZH[msg]) || msg, vars);
const DAYS = { en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], zh: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"] };

const $ = (id) => document.getElementById(id);
const el = Mgr.el;
const S = { zone: null, state: null, featured: null, rest: {}, promos: [], seq: 0, timer: null, poll: null };
const txt = (o) => (o ? (lang === "zh" ? o.zh : o.en) || o.en || o.zh || "" : "");
const money = (v) => (typeof v === "number" ? "¥" + v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : "–");
const tz = () => Mgr.state.mall.mall.timezone;
const api = (path, opts) => Mgr.api("/api/v1/manager/content/" + encodeURIComponent(S.zone) + (path || ""), opts);

/* Mall-local "YYYY-MM-DD HH:MM:SS" of an epoch second. */
function mallStamp(ts) {
  const d = new Date(ts * 1000);
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: tz(), year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  return day + " " + mallTime(ts, tz(), true);
}

/* Static and generated labels of this card in the page's language. */
function relabel() {
  const card = $("content-card");
  for (const e of card.querySelectorAll("[data-ct]")) e.textContent = w(e.dataset.ct);
  for (const e of card.querySelectorAll("[data-ct-label]")) e.setAttribute("aria-label", w(e.dataset.ctLabel));
  for (const e of card.querySelectorAll("[data-ct-title]")) e.title = w(e.dataset.ctTitle);
  $("ct-toggle").textContent = w($("ct-body").hidden ? "Edit" : "Close");
}

// ------------------------------------------------------------------ zone picker, open/close
function drawZones() {
  const sel = $("ct-zone");
  const groups = Mgr.state.mall.floors.map((f) => {
    const g = el("optgroup", { label: name(f) });
    for (const z of Mgr.state.mall.zones.filter((z) => z.floor === f.id)) g.append(el("option", { value: z.id }, name(z)));
    return g;
  });
  sel.replaceChildren(el("option", { value: "" }, w("Choose a zone")), ...groups);
  sel.value = S.zone || "";
}

function setOpen(open) {
  $("ct-body").hidden = !open;
  $("ct-toggle").setAttribute("aria-expanded", open ? "true" : "false");
  $("ct-toggle").textContent = w(open ? "Close" : "Edit");
  clearInterval(S.poll);
  if (open) S.poll = setInterval(refreshLists, 5000);  // schedules start and end on the server: keep the lists current
}

async function chooseZone(zone) {
  S.zone = zone || null;
  $("ct-zone").value = S.zone || "";
  if (!S.zone) { setOpen(false); return; }
  setOpen(true);
  $("ct-status").textContent = w("Loading…");
  try { loadDraft(await api()); $("ct-status").textContent = ""; } catch (e) { $("ct-status").textContent = Mgr.errText(e); }
}

// ------------------------------------------------------------------ the draft (what the form holds)
/* The published version (base) is what a manager edits; before the first edit, what the zone's file says. */
function loadDraft(state) {
  S.state = state;
  const over = state.base || state.overrides || {};
  const { tagline, featured, promotions, replace_promotions: replace, ...rest } = over;
  S.rest = rest;
  S.featured = Array.isArray(featured) ? featured.slice() : null;
  S.promos = (promotions || []).map((p) => ({ ...p }));
  $("ct-tag-zh").value = tagline ? tagline.zh || "" : "";
  $("ct-tag-en").value = tagline ? tagline.en || "" : "";
  $("ct-replace").checked = !!replace;
  $("ct-note").value = "";
  clearErrors();
  drawFeatured();
  drawPromos();
  drawLists();
  preview();
}

function readPromos() {
  return [...$("ct-promos").querySelectorAll(".ct-promo")].map((row, i) => {
    const v = (k) => row.querySelector("[data-k='" + k + "']").value.trim();
    const p = { ...S.promos[i], title: { zh: v("title-zh"), en: v("title-en") }, detail: { zh: v("detail-zh"), en: v("detail-en") } };
    for (const k of ["starts", "ends"]) { if (v(k)) p[k] = v(k); else delete p[k]; }
    return p;
  });
}

/* The zone file's fields from the form; keys this card does not edit (extra products, spec labels) are kept. */
function overrides() {
  const o = { ...S.rest };
  const zh = $("ct-tag-zh").value.trim(), en = $("ct-tag-en").value.trim();
  if (zh || en) o.tagline = { zh, en };
  if (S.featured !== null) o.featured = S.featured.slice();
  S.promos = readPromos();
  if (S.promos.length) o.promotions = S.promos;
  if ($("ct-replace").checked) o.replace_promotions = true;
  return o;
}

function catalog() { return (S.state && S.state.catalog.products) || []; }
function product(id) { return catalog().find((p) => p.id === id); }

function drawFeatured() {
  const ids = S.featured !== null ? S.featured : catalog().map((p) => p.id);
  const ol = $("ct-featured");
  const items = ids.map((id, i) => {
    const p = product(id);
    const label = p ? txt(p.name) + " · " + p.brand + " · " + money(p.price) : id;
    const li = el("li", { "data-product": id, "data-i": String(i) });
    li.append(el("span", { class: "ct-pname", title: label }, label));
    const acts = el("span", { class: "ct-acts" });
    const btn = (cls, key, fn, disabled) => {
      const b = el("button", { type: "button", class: "ghost small " + cls, "data-ct-label": key, "data-ct-title": key, "aria-label": w(key), title: w(key) });
      if (disabled) b.disabled = true;
      b.addEventListener("click", fn);
      return b;
    };
    acts.append(btn("ct-up", "Move up", () => moveFeatured(i, -1), i === 0), btn("ct-down", "Move down", () => moveFeatured(i, 1), i === ids.length - 1));
    const rm = el("button", { type: "button", class: "ghost small ct-remove", "data-ct": "Remove" }, w("Remove"));
    rm.addEventListener("click", () => editFeatured((f) => f.splice(i, 1)));
    acts.append(rm);
    li.append(acts);
    return li;
  });
  ol.replaceChildren(...items);
  if (S.featured === null) ol.append(el("li", { class: "muted ct-hint", "data-ct": "Every product of the category (no selection yet)" }, w("Every product of the category (no selection yet)")));
  const add = $("ct-add-product");
  add.replaceChildren(...catalog().filter((p) => !ids.includes(p.id)).map((p) => el("option", { value: p.id }, txt(p.name) + " · " + money(p.price))));
  $("ct-add").disabled = add.options.length === 0;
}
function editFeatured(fn) {
  if (S.featured === null) S.featured = catalog().map((p) => p.id);
  fn(S.featured);
  drawFeatured();
  changed();
}
function moveFeatured(i, by) {
  editFeatured((f) => { const [x] = f.splice(i, 1); f.splice(i + by, 0, x); });
}

function drawPromos() {
  const box = $("ct-promos");
  box.replaceChildren(...S.promos.map((p, i) => {
    const f = "overrides.promotions[" + i + "]";
    const row = el("fieldset", { class: "ct-promo", "data-field": f });
    row.append(el("legend", {}, w("Promotion {n}", { n: i + 1 })));  // redrawn on a language change
    const input = (k, field, value, attrs) => {
      const inp = el("input", { "data-k": k, "data-field": f + "." + field, autocomplete: "off", ...(attrs || {}) });
      inp.value = value || "";
      return inp;
    };
    const lab = (key, extra, inp) => { const l = el("label", {}); l.append(el("span", { "data-ct": key }, w(key) + extra), inp); return l; };
    const span = (key, extra) => { const s = el("span", key ? { "data-ct": key } : {}, key ? w(key) : extra); return s; };
    const two = (key, k, field, value) => {
      const l1 = el("label", {}), l2 = el("label", {});
      l1.append(span(null, w(key) + " · 中文"), input(k + "-zh", field + ".zh", value && value.zh, { maxlength: "400" }));
      l2.append(span(null, w(key) + " · English"), input(k + "-en", field + ".en", value && value.en, { maxlength: "400" }));
      return [l1, l2];
    };
    row.append(...two("Title", "title", "title", p.title), ...two("Detail", "detail", "detail", p.detail));
    const dates = el("div", { class: "ct-row" });
    dates.append(lab("From date", "", input("starts", "starts", p.starts, { type: "date" })), lab("To date", "", input("ends", "ends", p.ends, { type: "date" })));
    const rm = el("button", { type: "button", class: "ghost small ct-promo-remove", "data-ct": "Remove" }, w("Remove"));
    rm.addEventListener("click", () => { S.promos = readPromos(); S.promos.splice(i, 1); drawPromos(); changed(); });
    dates.append(rm);
    row.append(dates);
    return row;
  }));
  const own = S.promos.length ? "" : w("No promotions of this zone");
  const cat = (S.state && S.state.catalog.promotions) || [];
  $("ct-promos").append(el("div", { class: "muted" }, own + (own && cat.length ? " · " : "") +
    (cat.length ? w("Category promotions shown too: {list}", { list: cat.map((p) => txt(p.title)).join(", ") }) : "")));
}
function addPromo() {
  S.promos = readPromos();
  S.promos.push({ id: "promo-" + Date.now().toString(36), title: { zh: "", en: "" }, detail: { zh: "", en: "" }, products: [] });
  drawPromos();
  const rows = $("ct-promos").querySelectorAll(".ct-promo");
  rows[rows.length - 1].querySelector("input").focus();
}

// ------------------------------------------------------------------ preview, errors
function changed() {
  clearTimeout(S.timer);
  S.timer = setTimeout(preview, 300);
}

async function preview() {
  if (!S.zone) return;
  const seq = ++S.seq;
  const zone = S.zone;
  try {
    const view = await api("/preview", { method: "POST", body: { overrides: overrides() } });
    if (seq !== S.seq || zone !== S.zone) return;
    drawPreview(view);
    $("ct-preview-note").textContent = "";
  } catch (e) {
    if (seq !== S.seq) return;
    $("ct-preview-note").textContent = w("Preview not updated: {detail}", { detail: errLine(e) });
  }
}
let shownPreview = null;
function drawPreview(view) {
  shownPreview = view;
  const pv = $("ct-preview");
  const head = el("div", { class: "ct-pv-tagline" }, txt(view.tagline) || txt(view.title));
  const promos = el("ul", { class: "ct-pv-promos" });
  for (const p of view.promotions) {
    const li = el("li", { "data-promo": p.id });
    li.append(el("strong", {}, txt(p.title)), el("span", {}, txt(p.detail)));
    promos.append(li);
  }
  const prods = el("ol", { class: "ct-pv-products" });
  for (const p of view.products) {
    const li = el("li", { "data-product": p.id });
    li.append(el("span", { class: "ct-pv-name" }, txt(p.name)), el("span", { class: "muted" }, p.brand + " · " + money(p.price)));
    prods.append(li);
  }
  pv.replaceChildren(head, promos, prods);
}

function errLine(e) { return e && e.body && e.body.field ? e.body.field + ": " + Mgr.errText(e) : Mgr.errText(e); }

function clearErrors() {
  for (const e of $("content-card").querySelectorAll(".ct-err.at-field")) e.remove();
  for (const e of $("content-card").querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
  $("ct-err-publish").textContent = "";
  $("ct-err-schedule").textContent = "";
}

/* The server names the field ("overrides.promotions[0].title.en", "starts"): the message goes right under the
   input with the longest matching data-field; a field the form has no input for goes under the action's button. */
function showError(e, where) {
  clearErrors();
  const field = (e && e.body && e.body.field) || "";
  let best = null;
  for (const n of $("ct-body").querySelectorAll("[data-field]")) {
    const f = n.dataset.field;
    if ((field === f || field.startsWith(f + ".") || field.startsWith(f + "[")) && (!best || f.length > best.dataset.field.length)) best = n;
  }
  const msg = w("Refused: {detail}", { detail: Mgr.errText(e) });
  if (!best) { $(where === "schedule" ? "ct-err-schedule" : "ct-err-publish").textContent = (field ? field + ": " : "") + msg; return; }
  best.setAttribute("aria-invalid", "true");
  const m = field.match(/^overrides\.featured\[(\d+)\]/);
  if (m && $("ct-featured").children[Number(m[1])]) $("ct-featured").children[Number(m[1])].setAttribute("aria-invalid", "true");
  const box = el("div", { class: "ct-err at-field", role: "alert", "data-for": field }, msg);
  if (best.classList.contains("ct-when")) best.append(box);  // a date and a time: under both
  else (best.tagName === "INPUT" ? best.closest("label") || best : best).after(box);
  const input = best.matches("input, select") ? best : best.querySelector("input, select");
  if (input) input.focus();
}

// ------------------------------------------------------------------ publish, restore, schedules
async function publish(ev) {
  ev.preventDefault();
  try {
    const res = await api("", { method: "PUT", body: { overrides: overrides(), note: $("ct-note").value } });
    loadDraft(res);
    $("ct-status").textContent = w("Published #{id} at {t}", { id: res.entry.id, t: mallTime(res.entry.ts, tz()) }) +
      (res.in_force !== "base" ? " · " + w("schedule {id} stays on the kiosks until it ends", { id: res.in_force }) : "");
  } catch (e) { showError(e, "publish"); }
}

async function restore(entry) {
  try {
    const res = await api("/revert/" + encodeURIComponent(entry.id), { method: "POST" });
    loadDraft(res);
    $("ct-status").textContent = w("Restored #{id}", { id: entry.id });
  } catch (e) { $("ct-status").textContent = errLine(e); }
}
async function undo(entry) {
  try {
    const res = await api("", { method: "PUT", body: { overrides: entry.previous || {}, note: w("undo #{id}", { id: entry.id }) } });
    loadDraft(res);
    $("ct-status").textContent = w("Restored #{id}", { id: entry.id });
  } catch (e) { $("ct-status").textContent = errLine(e); }
}

/* A date and a 24-hour time typed as text (a native time field would show 12-hour in an en-US browser). */
function when(which) {
  const d = $("ct-" + which + "-d").value, tm = $("ct-" + which + "-t").value.trim();
  if (!d && !tm) return which === "ends" ? null : "";
  return tm ? d + "T" + tm : d;
}

async function schedule() {
  const days = [...$("ct-days").querySelectorAll("input:checked")].map((i) => Number(i.value));
  const body = { overrides: overrides(), starts: when("starts"), ends: when("ends"), days,
                 daily_from: $("ct-from").value || null, daily_to: $("ct-to").value || null, note: $("ct-note").value };
  try {
    const s = await api("/schedules", { method: "POST", body });
    clearErrors();
    $("ct-status").textContent = w("Scheduled {id}", { id: s.id });
    await refreshLists();
  } catch (e) { showError(e, "schedule"); }
}
async function unschedule(id) {
  try {
    S.state = await api("/schedules/" + encodeURIComponent(id), { method: "DELETE" });
    drawLists();
    $("ct-status").textContent = w("Schedule {id} deleted", { id });
  } catch (e) { $("ct-status").textContent = errLine(e); }
}

/* Schedules and history follow the server (a schedule starting or ending changes them); the draft stays. */
async function refreshLists() {
  if (!S.zone || $("ct-body").hidden) return;
  const zone = S.zone;
  try { const st = await api(); if (zone === S.zone) { S.state = st; drawLists(); } } catch (e) { /* next round */ }
}

function describe(s) {
  const days = s.days && s.days.length ? s.days.map((d) => DAYS[lang][d - 1]).join(" ") : w("every day");
  const window = s.daily_from || s.daily_to ? " · " + w("daily {from}–{to}", { from: s.daily_from || "00:00", to: s.daily_to || "24:00" }) : "";
  return s.starts.replace("T", " ") + " → " + (s.ends ? s.ends.replace("T", " ") : w("open-ended")) + " · " + days + window;
}
function summary(over) {
  if (!over) return "";
  const parts = [];
  parts.push(over.tagline ? w("tagline: {text}", { text: txt(over.tagline) }) : w("(category tagline)"));
  if (over.featured) parts.push(w("{n} products", { n: over.featured.length }));
  if (over.promotions && over.promotions.length) parts.push(w("{n} promotions", { n: over.promotions.length }));
  return parts.join(" · ");
}

function drawLists() {
  const st = S.state;
  if (!st) return;
  const inForce = st.in_force === "base" ? w("the published version") : w("schedule {id}", { id: st.in_force });
  $("ct-status").dataset.inForce = st.in_force;
  const sl = $("ct-schedules");
  sl.replaceChildren(el("li", { class: "muted ct-now", "data-in-force": st.in_force }, w("Now on kiosks: {what}", { what: inForce })));
  for (const s of st.schedules) {
    const li = el("li", { "data-schedule": s.id, class: s.active ? "active" : "" });
    const head = el("div", { class: "ct-li-head" });
    head.append(el("b", {}, s.id), el("span", {}, describe(s)));
    if (s.id === st.in_force) head.append(el("span", { class: "ct-tag" }, w("in force")));
    else if (s.active) head.append(el("span", { class: "ct-tag" }, w("active")));
    const del = el("button", { type: "button", class: "ghost small ct-del" }, w("Delete"));
    del.addEventListener("click", () => unschedule(s.id));
    head.append(del);
    li.append(head, el("div", { class: "muted" }, [summary(s.overrides), s.note, w("by {who}", { who: s.by })].filter(Boolean).join(" · ")));
    sl.append(li);
  }
  if (!st.schedules.length) sl.append(el("li", { class: "muted" }, w("No schedules")));
  const hl = $("ct-history");
  hl.replaceChildren();
  for (const h of st.history) {
    const what = h.action === "publish" ? w("published") : h.action === "schedule" ? w("scheduled {id}", { id: h.schedule })
      : h.action === "unschedule" ? w("deleted schedule {id}", { id: h.schedule })
        : h.schedule ? w("on kiosks: schedule {id}", { id: h.schedule }) : w("on kiosks: published version");
    const li = el("li", { "data-entry": String(h.id), "data-action": h.action });
    const head = el("div", { class: "ct-li-head" });
    head.append(el("b", {}, "#" + h.id), el("span", {}, mallStamp(h.ts) + " · " + what));
    if (h.overrides) {
      const b = el("button", { type: "button", class: "ghost small ct-restore" }, w("Restore"));
      b.addEventListener("click", () => restore(h));
      head.append(b);
    }
    if (h.action === "publish") {
      const b = el("button", { type: "button", class: "ghost small ct-undo" }, w("Undo"));
      b.addEventListener("click", () => undo(h));
      head.append(b);
    }
    li.append(head, el("div", { class: "muted" }, [summary(h.overrides), h.when, h.note, w("by {who}", { who: h.by })].filter(Boolean).join(" · ")));
    hl.append(li);
  }
  if (!st.history.length) hl.append(el("li", { class: "muted" }, w("No changes yet")));
}

function drawDays() {
  const box = $("ct-days");
  const checked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
  box.replaceChildren(el("span", { class: "muted", "data-ct": "Days (none ticked: every day)" }, w("Days (none ticked: every day)")));
  DAYS[lang].forEach((d, i) => {
    const l = el("label", { class: "ct-check" });
    const c = el("input", { type: "checkbox", value: String(i + 1) });
    c.checked = checked.has(String(i + 1));
    l.append(c, el("span", {}, d));
    box.append(l);
  });
}

// ------------------------------------------------------------------ wiring
function wire() {
  if (!$("content-card") || Mgr.state.user.role !== "manager") return;
  drawZones();
  drawDays();
  relabel();
  const next = mallStamp(Date.now() / 1000 + 3600);  // the next full hour, mall time
  $("ct-starts-d").value = next.slice(0, 10);
  $("ct-starts-t").value = next.slice(11, 14) + "00";
  $("ct-zone").addEventListener("change", () => chooseZone($("ct-zone").value));
  $("ct-toggle").addEventListener("click", () => {
    if ($("ct-body").hidden && !S.zone) chooseZone($("ct-zone").options[1] && $("ct-zone").options[1].value);
    else { setOpen($("ct-body").hidden); if (!$("ct-body").hidden) refreshLists(); }
  });
  $("ct-add").addEventListener("click", () => { const id = $("ct-add-product").value; if (id) editFeatured((f) => f.push(id)); });
  $("ct-promo-add").addEventListener("click", () => { addPromo(); changed(); });
  $("ct-form").addEventListener("input", changed);
  $("ct-form").addEventListener("change", changed);
  $("ct-form").addEventListener("submit", publish);
  $("ct-form").addEventListener("keydown", (ev) => {  // Enter in a text field does not publish; only the button does
    if (ev.key === "Enter" && ev.target.tagName === "INPUT") ev.preventDefault();
  });
  $("ct-schedule").addEventListener("click", schedule);
  onLangChange(() => {
    drawZones();
    drawDays();
    if (S.state) { S.promos = readPromos(); drawFeatured(); drawPromos(); drawLists(); }
    if (shownPreview) drawPreview(shownPreview);
    relabel();
  });
}

if (document.body.dataset.ready === "1") wire();
else new MutationObserver((_, obs) => { if (document.body.dataset.ready === "1") { obs.disconnect(); wire(); } })
  .observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
