/* uPlot charts (npm uplot, served from /vendor): mall footfall vs a typical day, zone detail curve,
   one sparkline per zone. */
import uPlot from "/vendor/uPlot.esm.js";
import * as Mgr from "/static/manager/core.js";

const AXIS = { stroke: "#9fb0c2", grid: { stroke: "#24313f", width: 1 }, ticks: { stroke: "#24313f" } };
let ff = null;
let detail = null;

function width(el) { return Math.max(200, Math.floor(el.getBoundingClientRect().width) - 4); }

export function footfall(data) {
  const el = document.getElementById("ff-chart");
  const d = [data.t, data.entries, data.typical];
  if (!ff) {
    ff = new uPlot({
      width: width(el), height: 190,
      scales: { x: { time: true } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), Mgr.state.mall.mall.timezone),
      axes: [AXIS, AXIS],
      series: [
        { label: "time" },
        { label: "Today", stroke: "#3b82f6", width: 2, fill: "rgba(59,130,246,0.15)" },
        { label: "Typical (mean of previous 7 days)", stroke: "#e5c21b", width: 1.5, dash: [6, 4] },
      ],
    }, d, el);
  } else ff.setData(d);
  const total = document.getElementById("ff-note");
  total.textContent = "today " + data.entries_today + " entries · " + data.typical_definition;
}

export function zoneCurve(body) {
  const el = document.getElementById("d-chart");
  const c = body.curve;
  const x = c.today.map((_, i) => i * c.bin_minutes / 60);
  const d = [x, c.today, c.last_week];
  if (detail) { detail.destroy(); detail = null; }
  Mgr.clear(el);
  detail = new uPlot({
    width: width(el), height: 150,
    scales: { x: { time: false, range: [0, 24] } },
    axes: [Object.assign({}, AXIS, { incrs: [1, 2, 3, 4, 6, 12], values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? v + ":00" : "")) }), AXIS],
    series: [
      { label: "hour" },
      { label: "Today", stroke: "#3b82f6", width: 2 },
      { label: "Last week " + c.last_week_date, stroke: "#9fb0c2", width: 1.5, dash: [5, 4] },
    ],
  }, d, el);
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

