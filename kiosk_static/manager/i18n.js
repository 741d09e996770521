/* Manager page language: English messages are the keys (gettext style), ZH holds their Chinese; the choice
   is one tap on the header button and remembered on this browser (localStorage). Also names in the chosen
   language (zones, floors, categories, entrances), alert texts, and mall time. */

const KEY = "manager-lang";

const ZH = {
  "Mall operations": "商场运营", "Wrong username or password.": "用户名或密码错误。", "Username": "用户名", "Password": "密码", "Log in": "登录",
  "Log in to continue: your session ended or you are not logged in yet.": "请登录以继续：会话已结束或尚未登录。",
  "Live staffing": "实时人员调度", "Alerts:": "警报：", "Active alerts": "未处理的警报", "Sound on": "声音开", "Sound off": "声音关",
  "Log out": "退出登录", "Floor map": "楼层平面图", "full": "已满", "Close": "关闭", "Occupancy": "在场人数",
  "Entries · last hour": "进入 · 近 1 小时", "Exits · last hour": "离开 · 近 1 小时",
  "Entries per 15 min: today vs same weekday last week": "每 15 分钟进入人数：今天与上周同日对比",
  "Cameras": "摄像头", "Kiosks": "自助屏", "Mall footfall today · 5-min entries": "今日全场客流 · 每 5 分钟进入",
  "Zones": "体验区", "Floor": "楼层", "Category": "品类", "All": "全部", "Zone": "体验区", "Occ.": "人数", "In 15m": "15 分钟进入",
  "Trend": "趋势", "Last 2 h": "近 2 小时", "entries in the last 15 minutes": "最近 15 分钟进入人数",
  "entries in the last 15 min minus the 15 min before": "最近 15 分钟进入人数减去之前 15 分钟",
  "Checkout staffing": "收银排班", "Waiting for the staffing engine…": "等待排班引擎…", "Open now": "当前开放", "Suggested": "建议开放",
  "λ now / +15 / +30 (per h)": "λ 现在 / +15 / +30（每小时）", "Counters": "收银台", "Service level": "服务水平", "Mean wait": "平均等待",
  "Target": "目标", "Dismiss": "驳回", "Why dismiss? (required)": "驳回原因（必填）", "Alerts": "警报", "History": "历史",
  "Assistance requests": "求助请求", "Export hourly counts": "导出每小时计数", "From": "从", "To": "到",
  "updated {t}": "{t} 更新", "Accept: open {n}": "接受：再开 {n} 个", "Accept: close {n}": "接受：关闭 {n} 个", "Nothing to accept": "无需调整",
  "Dismiss…": "驳回…", "15 min from": "15 分钟起点", "Forecast": "预测", "Transactions": "交易笔数", "Counted in": "计入人数", "no feed": "无数据源",
  "Report": "报告", "Download CSV": "下载 CSV", "Print": "打印", "Entries": "进入", "Exits": "离开", "Peak occupancy": "峰值人数",
  "Dwell (min)": "停留（分钟）", "Conversion": "转化率", "minute": "分钟", "generated {t}": "生成于 {t}",
  "Report {from} – {to} (mall time, {basis} data)": "报告 {from} – {to}（商场时间，{basis}级数据）",
  "Same weekday last week ({date})": "上周同日（{date}）", "Last year {date} (hourly ÷ 12)": "去年同日 {date}（每小时 ÷ 12）",
  "Last year {date} (hourly ÷ {n})": "去年同日 {date}（每小时 ÷ {n}）",
  "Mall time": "商场时间", "Zones (none chosen: all zones and the whole mall)": "体验区（不选：全部体验区和全场）", "Whole mall": "全场", "In mall: {n} · entries today {today}": "场内 {n} 人 · 今日进入 {today}",
  "Cameras online: {on} / {all}": "在线摄像头：{on} / {all}", "{name} ({role})": "{name}（{role}）", "manager": "经理", "staff": "店员",
  "{pct} % of safe capacity": "安全容量的 {pct} %", "{pct} % of safe capacity · {floor} · {category}": "安全容量的 {pct} % · {floor} · {category}",
  "online": "在线", "offline since {t}": "自 {t} 起离线", "offline (never reported)": "离线（从未上报）", "offline": "离线",
  "none": "无", "none reporting": "无上报", "{fps} fps": "{fps} 帧/秒", "live": "实时", "reconnecting": "重连中",
  "Today": "今天", "Typical (mean of previous 7 days)": "平常日（前 7 天平均）", "Last week {date}": "上周 {date}",
  "today {n} entries · {definition}": "今日进入 {n} 人 · {definition}", "time": "时间", "hour": "小时",
  "open": "开放", "closing": "关闭中", "closed": "已关闭", "{open} open of {all}": "{all} 个中 {open} 个开放", "by {who}": "操作人 {who}",
  "No active alerts": "没有未结束的警报", "raised {t}": "{t} 发出", "acknowledged by {who} {t}": "{who} 于 {t} 确认", "cleared {t}": "{t} 结束",
  "Acknowledge": "确认", "Resolve": "完成", "No open requests": "没有待处理的求助", "{n} open": "{n} 个待处理",
  "Assistance service not available on this server.": "此服务器未提供求助服务。",
  "kiosk {kiosk}": "自助屏 {kiosk}", "waiting {w}": "已等待 {w}", "sent": "已发送", "acknowledged": "已接单", "resolved": "已完成",
  "escalated to managers": "已上报经理", "product question": "商品咨询", "checkout help": "结账帮助", "accessibility": "无障碍协助",
  "other": "其他", "help": "帮助", "entries, exits and occupancy per zone per hour, {from} – {to}": "各体验区每小时进入、离开与在场人数，{from} – {to}",
  "“To” must not be before “From”.": "“到”不能早于“从”。", "Choose a “From” date.": "请选择“从”的日期。",
  "Dates after today ({today}, mall time) have no data yet.": "今天（{today}，商场时间）之后的日期还没有数据。", "yes": "是", "no": "否",
  // staffing panel: the page's own labels (the engine's sentences come from the server in both languages)
  "plan λ = {lam}/h (incl. margin {margin} %) · μ = {mu}/h per counter ({service} s) · target {share} % wait ≤ {wait} s, mean ≤ {mean} s":
    "计划 λ = {lam}/h（含余量 {margin} %）· 每台 μ = {mu}/h（{service} 秒）· 目标 {share} % 等待 ≤ {wait} 秒，平均 ≤ {mean} 秒",
  "P(wait)": "需等待概率", "Checkout wait (as on the kiosks): {w}": "收银等待（与自助屏一致）：{w}",
  "{n} in the checkout area": "收银区 {n} 人", "steady state": "稳态估算", "live queue": "按当前排队", "live queue in 15 min": "按 15 分钟后的排队",
  "unknown": "未知", "Forecast confidence: {level}": "预测可信度：{level}", "high": "高", "medium": "中", "low": "低",
  " ({why})": "（{why}）", "; ": "；", "calibration: {source}": "校准：{source}", "fit": "拟合", "last good fit": "上次有效的拟合",
  "configured defaults": "配置的默认值", "transactions feed": "交易数据", "transactions feed + camera lag": "交易数据 + 摄像头延迟",
  "All {n} counters open: wait about {now} min now, {soon} min in 15 min": "{n} 个收银台全部开放：现在约等 {now} 分钟，15 分钟后约 {soon} 分钟",
  "Dismissed by {who}: {reason}": "{who} 已驳回：{reason}", "Accepted by {who} at {t}": "{who} 于 {t} 接受",
  "no suggestion yet": "暂无建议", "This opens {n} counters at once. Go ahead?": "将一次开放 {n} 个收银台，确定吗？",
  "This closes {n} counters at once. Go ahead?": "将一次关闭 {n} 个收银台，确定吗？", "Not accepted: {why}": "未接受：{why}",
  "Accept failed: {why}": "接受失败：{why}", "Say why the suggestion is dismissed.": "请说明驳回建议的原因。", "Dismiss failed: {why}": "驳回失败：{why}",
  // kiosks card (kiosks.js); the two server messages are its 422 details for the kiosk and zone fields
  "Kiosk": "自助屏", "Enrolled": "登记时间", "Last heartbeat": "最近心跳", "Action": "操作", "Kiosk ID": "自助屏编号",
  "Enrol kiosk": "登记自助屏", "Enrolment link": "登记链接", "Copy": "复制", "Copied": "已复制", "Done": "完成", "Choose a zone": "选择体验区",
  "never": "从未上报", "Retire": "停用", "No kiosk enrolled yet": "尚未登记任何自助屏", "{on} of {all} online": "{all} 台中 {on} 台在线",
  "Only enrolled kiosks can call staff and report heartbeats.": "只有已登记的自助屏可以呼叫店员和上报心跳。",
  "Enrolment is switched off on this server (KIOSK_ENROLMENT=0): any browser may act as a kiosk.":
    "此服务器已关闭自助屏登记（KIOSK_ENROLMENT=0）：任何浏览器都可充当自助屏。",
  "Kiosk {kiosk} is already enrolled. Enrolling it again replaces its secret: the device must open the new link. Go ahead?":
    "自助屏 {kiosk} 已登记。重新登记会更换其密钥，设备须打开新的链接。确定吗？",
  "Open this link once on kiosk {kiosk} ({zone}); it is shown only now:": "请在自助屏 {kiosk}（{zone}）上打开一次此链接；链接只显示这一次：",
  "Retire kiosk {kiosk}? Its secret stops working at once; it can be enrolled again later.": "停用自助屏 {kiosk}？其密钥立即失效；以后可以重新登记。",
  "Kiosk {kiosk} retired": "自助屏 {kiosk} 已停用",
  "kiosk must match ^[a-z0-9-]{1,64}$": "编号只能用小写字母、数字和连字符，1–64 个字符",
  "zone must be the id of a zone of this mall": "请选择本商场的一个体验区",
  };

function initial() {
  try { const saved = localStorage.getItem(KEY); if (saved === "zh" || saved === "en") return saved; } catch (e) { /* storage off */ }
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}
export let lang = initial();
const listeners = [];

/* A message in the page's language; {name} placeholders are filled from `vars`. */
export function t(msg, vars) {
  const s = (lang === "zh" && ZH[msg]) || msg;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? "" : String(vars[k]))) : s;
}

/* Static texts marked in the HTML: data-i18n (text), data-i18n-title, data-i18n-placeholder, data-i18n-label. */
export function applyStatic(root) {
  const doc = root || document;
  for (const e of doc.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of doc.querySelectorAll("[data-i18n-title]")) e.title = t(e.dataset.i18nTitle);
  for (const e of doc.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const e of doc.querySelectorAll("[data-i18n-label]")) e.setAttribute("aria-label", t(e.dataset.i18nLabel));
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.body.dataset.lang = lang;
  const b = document.getElementById("lang");
  if (b) b.textContent = lang === "zh" ? "EN" : "中文";
}

export function onLangChange(fn) { listeners.push(fn); }
export function setLang(l) {
  lang = l;
  try { localStorage.setItem(KEY, l); } catch (e) { /* storage off: this page only */ }
  applyStatic();
  for (const fn of listeners) fn();
}

/* A zone, floor or entrance name (objects with name_zh / name_en); a category's name from the mall's list. */
export const name = (o) => (o ? (lang === "zh" ? o.name_zh : o.name_en) || o.name_en || o.id : "");
export function category(mall, id) {
  const c = mall && mall.categories && mall.categories[id];
  return c ? (lang === "zh" ? c.zh : c.en) || id : id;
}

/* An alert's text in the page's language: the server writes both (`message`, `message_zh`). */
export function alertText(a) { return (lang === "zh" && a.message_zh) || a.message; }

/* Mall time, 24-hour, whatever the browser's own time zone and locale. */
export function mallTime(ts, tz, withSeconds) {
  if (ts === null || ts === undefined) return "–";
  const d = new Date(typeof ts === "number" ? ts * 1000 : ts);
  const opts = { timeZone: tz || "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (withSeconds !== false) opts.second = "2-digit";
  return new Intl.DateTimeFormat("en-GB", opts).format(d);
}
/* The mall's UTC offset as a label, e.g. "GMT+8". */
export function mallOffset(tz) {
  const part = new Intl.DateTimeFormat("en-GB", { timeZone: tz || "UTC", timeZoneName: "shortOffset" }).formatToParts(new Date())
    .find((p) => p.type === "timeZoneName");
  return part ? part.value : tz;
}
