/* Wayfinding floor map: SVG drawn from the mall config polygons (GET /api/v1/mall), every zone coloured by its
   live crowd level, "you are here", and a route along the aisles (grid search around the zone polygons). */
import { centroid, el as s } from "/static/common/svg.js";

const CELL = 2; // metres per grid cell
function inside(pt, poly) {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
function grid(floor, zones, open) {
  const w = Math.ceil(floor.width_m / CELL), h = Math.ceil(floor.depth_m / CELL);
  const blocked = new Uint8Array(w * h);
  for (let gy = 0; gy < h; gy++) for (let gx = 0; gx < w; gx++) {
    const pt = [(gx + 0.5) * CELL, (gy + 0.5) * CELL];
    for (const z of zones) if (!open.has(z.id) && inside(pt, z.polygon)) { blocked[gy * w + gx] = 1; break; }
  }
  return { w, h, blocked };
}
function cellOf(g, p) { return [Math.min(g.w - 1, Math.max(0, Math.floor(p[0] / CELL))), Math.min(g.h - 1, Math.max(0, Math.floor(p[1] / CELL)))]; }
function nearestFree(g, p) {
  const [cx, cy] = cellOf(g, p);
  for (let r = 0; r < Math.max(g.w, g.h); r++)
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const x = cx + dx, y = cy + dy;
      if (x >= 0 && y >= 0 && x < g.w && y < g.h && !g.blocked[y * g.w + x]) return [(x + 0.5) * CELL, (y + 0.5) * CELL];
    }
  return p;
}
function path(g, a, b) {
  const [ax, ay] = cellOf(g, a), [bx, by] = cellOf(g, b);
  const prev = new Int32Array(g.w * g.h).fill(-1);
  const start = ay * g.w + ax, goal = by * g.w + bx;
  const q = [start]; prev[start] = start;
  for (let i = 0; i < q.length && prev[goal] < 0; i++) {
    const cur = q[i], x = cur % g.w, y = (cur / g.w) | 0;
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const nx = x + dx, ny = y + dy, n = ny * g.w + nx;
      if (nx < 0 || ny < 0 || nx >= g.w || ny >= g.h || prev[n] >= 0 || g.blocked[n]) continue;
      prev[n] = cur; q.push(n);
    }
  }
  if (prev[goal] < 0) return [a, b];
  const cells = [];
  for (let c = goal; ; c = prev[c]) { cells.push(c); if (c === start) break; }
  cells.reverse();
  const pts = cells.map((c) => [((c % g.w) + 0.5) * CELL, (((c / g.w) | 0) + 0.5) * CELL]);
  const out = [a];
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i - 1], c = pts[i], n = pts[i + 1];
    if ((c[0] - p[0]) * (n[1] - c[1]) !== (c[1] - p[1]) * (n[0] - c[0])) out.push(c);
  }
  out.push(b);
  return out;
}

export function create(root, mall, meId, opts) {
  const zones = Object.fromEntries(mall.zones.map((z) => [z.id, z]));
  const me = zones[meId];
  const floorsById = Object.fromEntries(mall.floors.map((f) => [f.id, f]));
  let shown = me.floor, target = null, levels = {}, lang = "zh";
  const tabs = document.createElement("div");
  tabs.className = "floor-tabs";
  const holder = document.createElement("div");
  holder.className = "map-svg";
  root.replaceChildren(tabs, holder);
  const lift = (fid) => {
    const f = floorsById[fid];
    return nearestFree(grid(f, mall.zones.filter((z) => z.floor === fid), new Set()), [f.width_m / 2, f.depth_m / 2]);
  };
  function route() {
    if (!target) return null;
    const tz = zones[target];
    const a = centroid(me.polygon), b = centroid(tz.polygon);
    const onFloor = (fid, from, to, open) => path(grid(floorsById[fid], mall.zones.filter((z) => z.floor === fid), open), from, to);
    if (tz.floor === me.floor) return { [me.floor]: onFloor(me.floor, a, b, new Set([me.id, tz.id])) };
    return { [me.floor]: onFloor(me.floor, a, lift(me.floor), new Set([me.id])),
             [tz.floor]: onFloor(tz.floor, lift(tz.floor), b, new Set([tz.id])) };
  }
  function render() {
    tabs.replaceChildren(...mall.floors.map((f) => {
      const b = document.createElement("button");
      b.className = "floor-tab" + (f.id === shown ? " active" : "");
      b.dataset.floor = f.id; b.dataset.feature = "map";
      b.textContent = lang === "zh" ? f.name_zh : f.name_en;
      b.addEventListener("click", () => { shown = f.id; render(); });
      return b;
    }));
    const f = floorsById[shown];
    const svg = s("svg", { viewBox: `-2 -2 ${f.width_m + 4} ${f.depth_m + 4}`, class: "floor-map", role: "img" });
    svg.append(s("rect", { x: 0, y: 0, width: f.width_m, height: f.depth_m, rx: 2, class: "floor-bg" }));
    for (const z of mall.zones.filter((z) => z.floor === shown)) {
      const lv = (levels[z.id] && levels[z.id].level) || "unknown";
      const g = s("g", { class: "zone-g", "data-zone": z.id });
      const poly = s("polygon", { points: z.polygon.map((p) => p.join(",")).join(" "), "data-zone": z.id,
                                  class: `zone z-${lv}` + (z.id === meId ? " me" : "") + (z.id === target ? " target" : "") });
      const [cx, cy] = centroid(z.polygon);
      const t = s("text", { x: cx, y: cy, class: "zone-label", "text-anchor": "middle", "dominant-baseline": "middle" });
      const name = lang === "zh" ? z.name_zh : z.name_en;
      t.textContent = name.length > 16 ? name.slice(0, 15) + "…" : name;
      g.append(poly, t);
      g.addEventListener("click", () => { if (z.id !== meId && opts.onPick) opts.onPick(z.id); });
      svg.append(g);
    }
    for (const e of mall.entrances.filter((e) => e.floor === shown)) {
      svg.append(s("circle", { cx: e.position[0], cy: e.position[1], r: 2.2, class: "entrance" }));
    }
    const r = route();
    if (r && r[shown]) {
      svg.append(s("polyline", { id: "route", points: r[shown].map((p) => p.join(",")).join(" "), class: "route" }));
      if (zones[target].floor !== me.floor) {
        const l = lift(shown);
        svg.append(s("rect", { x: l[0] - 3, y: l[1] - 3, width: 6, height: 6, rx: 1.5, class: "lift" }));
      }
    }
    if (shown === me.floor) {
      const [x, y] = centroid(me.polygon);
      const g = s("g", { id: "you-are-here" });
      g.append(s("circle", { cx: x, cy: y, r: 5, class: "here-pulse" }), s("circle", { cx: x, cy: y, r: 2.6, class: "here" }));
      const t = s("text", { x, y: y - 7, class: "here-label", "text-anchor": "middle" });
      t.textContent = lang === "zh" ? "您在这里" : "You are here";
      g.append(t);
      svg.append(g);
    }
    holder.replaceChildren(svg);
  }
  render();
  return {
    setLevels(l) { levels = l; for (const p of holder.querySelectorAll("polygon.zone")) { const v = levels[p.dataset.zone]; if (v) p.setAttribute("class", p.getAttribute("class").replace(/z-\w+/, "z-" + v.level)); } },
    setTarget(id) { target = id; shown = id ? zones[id].floor : me.floor; render(); },
    setLang(l) { lang = l; render(); },
    target: () => target,
    floorOf: (id) => zones[id].floor,
    render,
  };
}
