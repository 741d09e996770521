/* Wayfinding floor map: SVG drawn from the mall config polygons (GET /api/v1/mall), every zone coloured by its
   live crowd level, labelled entrances and escalator / lift, "you are here", and a route along the aisles (grid
   search around the zone polygons), shown floor by floor when it changes floors. */
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

const WORDS = {
  zh: { here: "您在这里", lift: "扶梯 / 电梯", leg_from: (f) => `${f} · 从这里到扶梯 / 电梯`, leg_to: (f, z) => `${f} · 出扶梯 / 电梯后到「${z}」` },
  en: { here: "You are here", lift: "Escalator / lift", leg_from: (f) => `${f} · from here to the escalator / lift`, leg_to: (f, z) => `${f} · from the escalator / lift to ${z}` },
};
const LABEL_M = 3.6;
const MARGIN_M = 7;   // room around the floor for the entrance labels
const LIFT_RUN_M = 24;  // aisle length the escalator / lift label needs  // zone label size in floor metres: ≥ 16 px on a portrait kiosk, ≥ 14 px on a laptop-sized landscape one

/* A zone's name cut to what fits its polygon's width at the label size (CJK characters are about square,
   Latin ones about 0.55 of the size). */
function fitName(name, widthM) {
  const w = (ch) => (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.56) * LABEL_M;
  let used = 0, out = "";
  for (const ch of name) {
    if (used + w(ch) > widthM - 2) return out.replace(/[\s&(·-]+$/, "") + "…";
    used += w(ch); out += ch;
  }
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
  /* Where the escalator / lift is drawn: the aisle point nearest the floor's centre with a straight free
     run to its right, so its label lies in the aisle instead of on a zone's name. */
  const liftCache = {};
  const lift = (fid) => {
    if (!liftCache[fid]) {
      const f = floorsById[fid];
      const g = grid(f, mall.zones.filter((z) => z.floor === fid), new Set());
      const run = Math.ceil(LIFT_RUN_M / CELL), cx = f.width_m / 2 / CELL, cy = f.depth_m / 2 / CELL;
      let best = null, bestD = Infinity;
      for (let y = 1; y < g.h - 1; y++) for (let x = 0; x + run < g.w; x++) {
        const d = (x - cx) ** 2 + (y - cy) ** 2;
        if (d >= bestD) continue;
        let free = true;
        for (let k = 0; k <= run && free; k++) free = !g.blocked[y * g.w + x + k] && !g.blocked[(y - 1) * g.w + x + k];
        if (free) { best = [(x + 0.5) * CELL, y * CELL]; bestD = d; }
      }
      liftCache[fid] = best || nearestFree(g, [f.width_m / 2, f.depth_m / 2]);
    }
    return liftCache[fid];
  };
  const zname = (z) => (lang === "zh" ? z.name_zh : z.name_en);
  const fname = (fid) => (lang === "zh" ? floorsById[fid].name_zh : floorsById[fid].name_en);
  /* the route as legs, one per floor in walking order: [{floor, points}] */
  function route() {
    if (!target) return null;
    const tz = zones[target];
    const a = centroid(me.polygon), b = centroid(tz.polygon);
    const onFloor = (fid, from, to, open) => path(grid(floorsById[fid], mall.zones.filter((z) => z.floor === fid), open), from, to);
    if (tz.floor === me.floor) return [{ floor: me.floor, points: onFloor(me.floor, a, b, new Set([me.id, tz.id])) }];
    return [{ floor: me.floor, points: onFloor(me.floor, a, lift(me.floor), new Set([me.id])) },
            { floor: tz.floor, points: onFloor(tz.floor, lift(tz.floor), b, new Set([tz.id])) }];
  }
  function floorMap(fid, leg) {
    const f = floorsById[fid];
    const svg = s("svg", { viewBox: `${-MARGIN_M} ${-MARGIN_M} ${f.width_m + 2 * MARGIN_M} ${f.depth_m + 2 * MARGIN_M}`, class: "floor-map", role: "img", "data-floor": fid,
                           "aria-label": fname(fid) });
    svg.append(s("rect", { x: 0, y: 0, width: f.width_m, height: f.depth_m, rx: 2, class: "floor-bg" }));
    const hereAt = centroid(me.polygon);
    for (const z of mall.zones.filter((z) => z.floor === fid)) {
      const lv = (levels[z.id] && levels[z.id].level) || "unknown";
      const g = s("g", { class: "zone-g", "data-zone": z.id });
      const poly = s("polygon", { points: z.polygon.map((p) => p.join(",")).join(" "), "data-zone": z.id,
                                  class: `zone z-${lv}` + (z.id === meId ? " me" : "") + (z.id === target ? " target" : "") });
      const xs = z.polygon.map((p) => p[0]), ys = z.polygon.map((p) => p[1]);
      const [cx, cy] = centroid(z.polygon);
      // in this kiosk's own zone the name sits below the "you are here" marker, never under it
      const ty = z.id === meId ? Math.min(Math.max(...ys) - LABEL_M, hereAt[1] + 5 + LABEL_M) : cy;
      const t = s("text", { x: cx, y: ty, class: "zone-label", "text-anchor": "middle", "dominant-baseline": "middle", "font-size": LABEL_M });
      t.textContent = fitName(zname(z), Math.max(...xs) - Math.min(...xs));
      g.append(poly, t);
      g.addEventListener("click", () => { if (z.id !== meId && opts.onPick) opts.onPick(z.id); });
      svg.append(g);
    }
    for (const e of mall.entrances.filter((e) => e.floor === fid)) {
      // the label sits outside the floor, along the wall the entrance is in
      const [x, y] = e.position;
      const g = s("g", { class: "entrance-g", "data-entrance": e.id });
      const out = MARGIN_M / 2;
      const side = x <= 1 ? "left" : x >= f.width_m - 1 ? "right" : y <= 1 ? "top" : "bottom";
      const at = { left: [-out, y, -90], right: [f.width_m + out, y, 90], top: [x, -out, 0], bottom: [x, f.depth_m + out, 0] }[side];
      const t = s("text", { x: at[0], y: at[1], class: "entrance-label", "text-anchor": "middle", "dominant-baseline": "middle",
                            "font-size": LABEL_M, transform: `rotate(${at[2]} ${at[0]} ${at[1]})` });
      t.textContent = lang === "zh" ? e.name_zh : e.name_en;
      g.append(s("circle", { cx: x, cy: y, r: 2.2, class: "entrance" }), t);
      svg.append(g);
    }
    if (leg) svg.append(s("polyline", { class: "route", "data-floor": fid, points: leg.points.map((p) => p.join(",")).join(" ") }));
    const [lx, ly] = lift(fid);
    const lg = s("g", { class: "lift-g" });
    lg.append(s("rect", { x: lx - 1.8, y: ly - 1.8, width: 3.6, height: 3.6, rx: 0.8, class: "lift" }),
              s("path", { d: `M${lx - 1} ${ly + 0.5}l1 -1.1l1 1.1`, class: "lift-arrow" }));
    const lt = s("text", { x: lx + 2.6, y: ly, class: "lift-label", "text-anchor": "start", "dominant-baseline": "middle", "font-size": LABEL_M });
    lt.textContent = WORDS[lang].lift;
    lg.append(lt);
    svg.append(lg);
    if (fid === me.floor) {
      const [x, y] = hereAt;
      const g = s("g", { id: "you-are-here" });
      g.append(s("circle", { cx: x, cy: y, r: 4, class: "here-pulse" }), s("circle", { cx: x, cy: y, r: 2.2, class: "here" }));
      const t = s("text", { x, y: y - 6, class: "here-label", "text-anchor": "middle", "font-size": LABEL_M });
      t.textContent = WORDS[lang].here;
      g.append(t);
      svg.append(g);
    }
    return svg;
  }
  function render() {
    const legs = route();
    const multi = legs && legs.length > 1;
    tabs.hidden = !!multi;  // a route across floors shows each floor of it, in walking order
    tabs.replaceChildren(...mall.floors.map((f) => {
      const b = document.createElement("button");
      b.className = "floor-tab" + (f.id === shown ? " active" : "");
      b.dataset.floor = f.id; b.dataset.feature = "map";
      b.textContent = fname(f.id);
      b.addEventListener("click", () => { shown = f.id; render(); });
      return b;
    }));
    if (!multi) {
      const leg = legs && legs[0].floor === shown ? legs[0] : null;
      const svg = floorMap(shown, leg);
      holder.replaceChildren(svg);
      const line = svg.querySelector("polyline.route");
      if (line) line.id = "route";
      return;
    }
    holder.replaceChildren(...legs.map((leg, i) => {
      const sec = document.createElement("section");
      sec.className = "map-leg";
      sec.dataset.floor = leg.floor;
      const h = document.createElement("h4");
      h.className = "map-leg-title";
      h.textContent = `${i + 1}. ` + (i === 0 ? WORDS[lang].leg_from(fname(leg.floor)) : WORDS[lang].leg_to(fname(leg.floor), zname(zones[target])));
      sec.append(h, floorMap(leg.floor, leg));
      return sec;
    }));
    const first = holder.querySelector("polyline.route");
    if (first) first.id = "route";
  }
  render();
  return {
    setLevels(l) { levels = l; for (const p of holder.querySelectorAll("polygon.zone")) { const v = levels[p.dataset.zone]; if (v) p.setAttribute("class", p.getAttribute("class").replace(/z-\w+/, "z-" + v.level)); } },
    setTarget(id) { target = id; shown = me.floor; render(); },
    setLang(l) { lang = l; render(); },
    target: () => target,
    floorOf: (id) => zones[id].floor,
    render,
  };
}
