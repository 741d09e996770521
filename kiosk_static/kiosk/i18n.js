/* Kiosk words in both languages and the current language: the one place a kiosk string is written. */
export const T = {
  zh: { here_now: "此刻人数", checkout: "收银台", minutes_wait: "分钟等候", counters_open: "个收银台开放",
    tab_products: "推荐商品", tab_compare: "对比", tab_subsidy: "以旧换新补贴", tab_map: "楼层导航", tab_help: "呼叫店员",
    compare_hint: "在“推荐商品”中选择 2–3 件商品进行对比", compare_clear: "清空对比", compare_add: "加入对比", compare_remove: "移出对比",
    compare_full: "最多对比 3 件", sub_category: "品类", sub_class: "能效等级", sub_price: "售价 (元)", sub_calc: "计算补贴",
    sub_for: "补贴", sub_pay: "到手价", sub_rate: "补贴比例", sub_capped: "已达单件封顶", sub_none: "该能效等级不享受补贴",
    sub_enter: "请选择品类、能效等级并输入售价", backspace: "删除", class_n: (n) => `${n} 级`, clear: "清除",
    quiet_now: "比这里人少 · 同类体验区", go_to: "前往其他体验区", none_quiet: "同类体验区此刻都不比这里空闲",
    route_same: (z) => `沿蓝色路线前往「${z}」`, route_floor: (z, f) => `乘扶梯前往 ${f}，再沿路线到「${z}」`,
    help_hint: "选择需要的帮助，店员会尽快过来", r_product_question: "商品咨询", r_checkout_help: "结账帮助",
    r_accessibility: "无障碍协助", r_other: "其他", st_sent: "已发送，店员正在赶来", st_acknowledged: "店员已接单",
    st_resolved: "已完成，感谢您的耐心", by: (n) => `${n} 正在赶来`, by_done: (n) => `由 ${n} 处理`,
    too_soon: (s) => `请求过于频繁，请 ${s} 秒后再试`, send_failed: "网络不可用，请稍后再试",
    not_enrolled: "本机尚未登记，不能呼叫店员", not_enrolled_how: "如需帮助，请前往服务台或联系附近的店员",
    still_there: "还在吗？", still_yes: "我还在", connecting: "连接中", live: "实时", offline: "离线", reconnecting: "重连中", stale: "更新中…", src_offline: "离线：显示最后收到的数据",
    src_staffing: "来自排班系统", src_estimate: "根据收银区人数估算", price: "售价", was: "原价", brand: "品牌",
    level: { quiet: "空闲", moderate: "适中", busy: "繁忙", full: "已满", unknown: "–" }, yuan: "¥" },
  en: { here_now: "People here now", checkout: "Checkout", minutes_wait: "min wait", counters_open: "counters open",
    tab_products: "Featured", tab_compare: "Compare", tab_subsidy: "Trade-in subsidy", tab_map: "Find your way", tab_help: "Call staff",
    compare_hint: "Pick 2–3 products under Featured to compare them", compare_clear: "Clear comparison", compare_add: "Compare", compare_remove: "Remove",
    compare_full: "Up to 3 products", sub_category: "Category", sub_class: "Energy class", sub_price: "Price (CNY)", sub_calc: "Calculate",
    sub_for: "Subsidy", sub_pay: "You pay", sub_rate: "Rate", sub_capped: "Capped per item", sub_none: "No subsidy for this energy class",
    sub_enter: "Choose a category and an energy class, then enter the price", backspace: "Delete", class_n: (n) => `Class ${n}`, clear: "Clear",
    quiet_now: "Quieter than here · similar zones", go_to: "Go to another zone", none_quiet: "No similar zone is quieter than here right now",
    route_same: (z) => `Follow the blue route to ${z}`, route_floor: (z, f) => `Take the escalator to ${f}, then follow the route to ${z}`,
    help_hint: "Choose what you need; a staff member will come", r_product_question: "Product question", r_checkout_help: "Checkout help",
    r_accessibility: "Accessibility help", r_other: "Other", st_sent: "Sent: a staff member is on the way", st_acknowledged: "Acknowledged",
    st_resolved: "Resolved, thank you for waiting", by: (n) => `${n} is coming`, by_done: (n) => `Handled by ${n}`,
    too_soon: (s) => `Too many requests; try again in ${s} s`, send_failed: "Network unavailable; please try again",
    not_enrolled: "This kiosk is not enrolled, so it cannot call staff", not_enrolled_how: "For help, please go to the service desk or ask a nearby staff member",
    still_there: "Still there?", still_yes: "I'm still here", connecting: "connecting", live: "live", offline: "offline", reconnecting: "reconnecting", stale: "updating…", src_offline: "offline: last figures received",
    src_staffing: "From the staffing system", src_estimate: "Estimated from the checkout area", price: "Price", was: "Was", brand: "Brand",
    level: { quiet: "Quiet", moderate: "Moderate", busy: "Busy", full: "Full", unknown: "–" }, yuan: "¥" },
};

export let lang = "zh";
export function setLang(l) { lang = l; }
export const t = (k) => T[lang][k];
/* A content text: a plain string or {zh, en}. */
export const txt = (o) => (o == null ? "" : typeof o === "string" ? o : o[lang] || o.zh || o.en || "");
export const money = (v) => "¥" + Number(v).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 2 });
