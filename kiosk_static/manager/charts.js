/* uPlot charts (npm uplot, served from /vendor): mall footfall vs a typical day (and the same weekday last week,
   last year's same date when counted), zone detail curve (with last year's date), one sparkline per zone. */
import uPlot from "/vendor/uPlot.esm.js";
import * as Mgr from "/static/manager/core.js";
import { lang, mallTime, t } from "/static/manager/i18n.js";

const AXIS = { stroke: "#9fb0c2", grid: { stroke: "#24313f", width: 1 }, ticks: { stroke: "#24313f" } };
let ff = null, ffData = null;
let detail = null;
const tz = () => Mgr.state.mall.mall.timezone;

function width(el) { return Math.max(200, Math.floor(el.getBoundingClientRect().width) - 4); }
/* Charts follow their box when the window (or the layout's column count) changes. */
function follow(el, chart) {
  const ro = new ResizeObserver(() => { const c = chart(); if (c && width(el) !== c.width) c.setSize({ width: width(el), height: c.height }); });
  ro.observe(el);
}
let followed = false;

/* Last year's hourly counts spread over bins of `binMinutes` at the x positions `xsHours` (hours of the day),
   so the line compares with today's per-bin counts; the legend says so. */
function hourlyPerBin(entries, xsHours, binMinutes) {
  return xsHours.map((h) => { const v = entries[Math.floor(h)]; return v === undefined || v === null ? null : v * binMinutes / 60; });
}

let ffKey = "";
export function footfall(data) {
  const el = document.getElementById("ff-chart");
  ffData = data;
  const hours = data.t.map((ts) => { const [hh, mm] = mallTime(ts, tz(), false).split(":").map(Number); return hh + mm / 60; });
  const series = [
    { label: t("time"), value: (u, v) => (v == null ? "–" : mallTime(v, tz(), false)) },
    { label: t("Today"), stroke: "#3b82f6", width: 2, fill: "rgba(59,130,246,0.15)" },
    { label: t("Typical (mean of previous 7 days)"), stroke: "#e5c21b", width: 1.5, dash: [6, 4] },
  ];
  const d = [data.t, data.entries, data.typical];
  if (data.last_week) {  // same weekday last week, when anything was counted that day
    series.push({ label: t("Same weekday last week ({date})", { date: data.last_week.date }), stroke: "#9fb0c2", width: 1.5, dash: [2, 3] });
    d.push(data.last_week.entries);
  }
  if (data.last_year) {  // last year's same date, hourly counts only (that is what is kept for two years)
    series.push({ label: t("Last year {date} (hourly ÷ 12)", { date: data.last_year.date }), stroke: "#c084fc", width: 1.5 });
    d.push(hourlyPerBin(data.last_year.entries, hours, 5));
  }
  const key = series.map((s) => s.label).join("|");
  if (ff && key !== ffKey) { ff.destroy(); ff = null; Mgr.clear(el); }  // a comparison line appeared or went
  ffKey = key;
  if (!ff) {
    ff = new uPlot({
      width: width(el), height: 190,
      scales: { x: { time: true } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz()),
      axes: [Object.assign({}, AXIS, { values: (u, splits) => splits.map((s) => mallTime(s, tz(), false)) }), AXIS],  // mall time, 24-hour
      series,
    }, d, el);
    if (!followed) { follow(el, () => ff); followed = true; }
  } else ff.setData(d);
  const total = document.getElementById("ff-note");
  const definition = (lang === "zh" && data.typical_definition_zh) || data.typical_definition;
  total.textContent = t("today {n} entries · {definition}", { n: data.entries_today, definition });
}

/* Language changed: the chart legends again. */
export function relabel() {
  if (ff) { ff.destroy(); ff = null; Mgr.clear(document.getElementById("ff-chart")); if (ffData) footfall(ffData); }
}

let detailFollowed = false;
export function zoneCurve(body) {
  const el = document.getElementById("d-chart");
  const c = body.curve;
  const x = c.today.map((_, i) => i * c.bin_minutes / 60);
  const d = [x, c.today, c.last_week];
  const extra = [];
  if (c.last_year) {
    extra.push({ label: t("Last year {date} (hourly ÷ {n})", { date: c.last_year.date, n: 60 / c.bin_minutes }), stroke: "#c084fc", width: 1.5 });
    d.push(hourlyPerBin(c.last_year.entries, x, c.bin_minutes));
  }
  if (detail) { detail.destroy(); detail = null; }
  Mgr.clear(el);
  detail = new uPlot({
    width: width(el), height: 150,
    scales: { x: { time: false, range: [0, 24] } },
    axes: [Object.assign({}, AXIS, { incrs: [1, 2, 3, 4, 6, 12], values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? String(v).padStart(2, "0") + ":00" : "")) }), AXIS],
    series: [
      { label: t("hour") },
      { label: t("Today"), stroke: "#3b82f6", width: 2 },
      { label: t("Last week {date}", { date: c.last_week_date }), stroke: "#9fb0c2", width: 1.5, dash: [5, 4] },
      ...extra,
    ],
  }, d, el);
  if (!detailFollowed) { follow(el, () => detail); detailFollowed = true; }
}

const sparks = {};
export function sparkline(container, zone, values) {
  const x = values.map((_, i) => i);
  if (sparks[zone] && sparks[zone].root.isConnected) { sparks[zone].setData([x, values]); return; }
  Mgr.clear(container);
  sparks[zone] = new uPlot({
    width: 120, height: 28, pxAlign: false, cursor: { show: false }, legend: { show: false }, select: { show: false },
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: "#3b82f6", width: 1.5, fill: "rgba(59,130,246,0.2)" }],
  }, [x, values], container);
}

