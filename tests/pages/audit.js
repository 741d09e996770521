() => {
  /* The layout and contrast audit tests/pages/audit.py runs inside a page; returns {overflow, overlap, contrast, glyphs}. */
  const MIN_TEXT_PX = 12;  // smallest readable text on a kiosk or an operations screen (map labels included)
  const out = { overflow: [], overlap: [], contrast: [], small: [], glyphs: [], garbage: [] };
  const vw = document.documentElement.clientWidth;
  const name = (e) => {
    const id = e.id ? "#" + e.id : "";
    const cls = typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "";
    const txt = (e.textContent || "").trim().replace(/\s+/g, " ").slice(0, 30);
    return `${e.tagName.toLowerCase()}${id}${cls} "${txt}"`;
  };
  const visible = (e) => {
    for (let a = e; a && a.nodeType === 1; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.display === "none" || s.visibility === "hidden" || Number(s.opacity) === 0) return false;
      if (a.hidden) return false;
    }
    return true;
  };
  /* the part of e's box that can be seen: clipped by every ancestor that clips (scroll containers, hidden). */
  const clipRect = (e) => {
    const r = e.getBoundingClientRect();
    let x0 = r.left, y0 = r.top, x1 = r.right, y1 = r.bottom;
    for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.position === "fixed") break;
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const c = a.getBoundingClientRect();
        x0 = Math.max(x0, c.left + a.clientLeft); y0 = Math.max(y0, c.top + a.clientTop);
        x1 = Math.min(x1, c.left + a.clientLeft + a.clientWidth); y1 = Math.min(y1, c.top + a.clientTop + a.clientHeight);
      }
    }
    return x1 - x0 > 0.5 && y1 - y0 > 0.5 ? { x0, y0, x1, y1 } : null;
  };
  const ownText = (e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const BOX_TAGS = new Set(["BUTTON", "INPUT", "SELECT", "TEXTAREA", "IMG", "CANVAS", "svg", "A", "OUTPUT"]);
  const all = [...document.body.querySelectorAll("*")].filter((e) => !(e.closest("svg") && e.tagName !== "svg")
    && !e.closest(".uplot .u-over, .uplot canvas") && visible(e));
  /* a full-screen overlay (attract loop, "still there?") hides the page under it: audit only what it shows */
  const overlay = all.filter((e) => {
    if (getComputedStyle(e).position !== "fixed") return false;
    const r = e.getBoundingClientRect();
    return r.width >= vw * 0.9 && r.height >= innerHeight * 0.9;
  }).pop();
  if (overlay) all.splice(0, all.length, ...all.filter((e) => overlay.contains(e)));

  // -- horizontal overflow
  if (document.documentElement.scrollWidth > vw + 1) out.overflow.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
  for (const e of all) {
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const c = clipRect(e);
    if (c && c.x1 > vw + 1) out.overflow.push(`beyond the viewport: ${name(e)} right=${Math.round(c.x1)}`);
    const parent = e.parentElement;
    if (parent && parent !== document.body && s.position !== "absolute" && s.position !== "fixed" && c) {
      const ps = getComputedStyle(parent), pr = parent.getBoundingClientRect();
      if (ps.display !== "inline" && ps.display !== "contents" && ps.overflowX === "visible" && (r.right > pr.right + 1 || r.left < pr.left - 1)) {
        out.overflow.push(`sticks out of its box: ${name(e)} [${Math.round(r.left)}, ${Math.round(r.right)}] in ${name(parent)} [${Math.round(pr.left)}, ${Math.round(pr.right)}]`);
      }
    }
    const scrolls = /(auto|scroll)/.test(s.overflowX);
    if (!scrolls && ownText(e) && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) {
      if (s.textOverflow === "ellipsis" && e.title) continue;
      out.overflow.push(`text cut: ${name(e)} ${e.scrollWidth} > ${e.clientWidth}`);
    }
  }

  // -- overlap between boxes that are not nested
  const boxes = all.filter((e) => BOX_TAGS.has(e.tagName) || e.classList.contains("uplot") || ownText(e))
    .filter((e) => !e.closest(".uplot") || e.classList.contains("uplot"))
    .map((e) => ({ e, r: clipRect(e) })).filter((b) => b.r);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
    const w = Math.min(a.r.x1, b.r.x1) - Math.max(a.r.x0, b.r.x0), h = Math.min(a.r.y1, b.r.y1) - Math.max(a.r.y0, b.r.y0);
    if (w > 1.5 && h > 1.5) out.overlap.push(`${name(a.e)} × ${name(b.e)} (${Math.round(w)}x${Math.round(h)} px)`);
  }

  // -- inside each SVG (floor maps): labels and the "you are here" marker never cover each other
  for (const svg of document.querySelectorAll("svg")) {
    if (!visible(svg)) continue;
    const marks = [...svg.querySelectorAll("text, .here")].filter((t) => visible(t) && (t.tagName !== "text" || t.textContent.trim()))
      .map((t) => ({ t, r: clipRect(t) })).filter((m) => m.r);
    for (let i = 0; i < marks.length; i++) for (let j = i + 1; j < marks.length; j++) {
      const a = marks[i], b = marks[j];
      if (a.t.contains(b.t) || b.t.contains(a.t)) continue;
      const w = Math.min(a.r.x1, b.r.x1) - Math.max(a.r.x0, b.r.x0), h = Math.min(a.r.y1, b.r.y1) - Math.max(a.r.y0, b.r.y0);
      const label = (m) => (m.t.tagName === "text" ? `svg text "${m.t.textContent.trim().slice(0, 24)}"` : `svg ${m.t.getAttribute("class")}`);
      if (w > 1 && h > 1) out.overlap.push(`${label(a)} × ${label(b)} (${Math.round(w)}x${Math.round(h)} px)`);
    }
  }

  // -- contrast
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (fg, bg) => [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat(1);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const la = lum(a), lb = lum(b); return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05); };
  /* the backgrounds behind e: solid colours and every stop of a gradient, composed from the ancestors down */
  const backgrounds = (e) => {
    const chain = [];
    for (let a = e; a; a = a.parentElement) chain.push(a);
    let layers = [[255, 255, 255, 1]];
    for (const a of chain.reverse()) {
      const s = getComputedStyle(a);
      const stops = (s.backgroundImage.match(/rgba?\([^)]+\)/g) || []).map(parse);
      const col = parse(s.backgroundColor);
      if (col && col[3] > 0) layers = layers.map((l) => over(col, l));
      if (stops.length) layers = stops.flatMap((st) => layers.map((l) => over(st, l)));
    }
    return layers;
  };
  const opacity = (e) => { let o = 1; for (let a = e; a; a = a.parentElement) o *= Number(getComputedStyle(a).opacity); return o; };
  const checkText = (e, fgColour, sizePx, weight, bgs) => {
    if (e.closest(":disabled, [aria-disabled=true]")) return;
    if (sizePx < MIN_TEXT_PX - 0.05) out.small.push(`${name(e)} ${sizePx.toFixed(1)} px < ${MIN_TEXT_PX} px`);
    const large = sizePx >= 24 || (sizePx >= 18.66 && weight >= 700);
    const need = large ? 3 : 4.5;
    const op = opacity(e);
    for (const bg of bgs) {
      let fg = over(fgColour, bg);
      if (op < 1) fg = over([fg[0], fg[1], fg[2], op], bg);
      const r = ratio(fg, bg);
      if (r < need - 0.005) { out.contrast.push(`${name(e)} ${r.toFixed(2)}:1 < ${need}:1 (fg rgb(${fg.slice(0, 3).map(Math.round)}) on rgb(${bg.slice(0, 3).map(Math.round)}))`); return; }
    }
  };
  for (const e of all) {
    if (!ownText(e) || !clipRect(e)) continue;
    const s = getComputedStyle(e);
    checkText(e, parse(s.color), parseFloat(s.fontSize), Number(s.fontWeight), backgrounds(e));
  }
  /* SVG text: its fill on the fill of the shape under its centre (or the SVG's own background) */
  for (const tx of document.querySelectorAll("svg text")) {
    if (!visible(tx) || !tx.textContent.trim()) continue;
    const r = tx.getBoundingClientRect();
    if (!r.width || !clipRect(tx)) continue;
    const s = getComputedStyle(tx);
    const scale = tx.ownerSVGElement.getScreenCTM().a;
    const under = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2)
      .find((x) => x !== tx && x.closest("svg") === tx.ownerSVGElement && x.tagName !== "text" && x.tagName !== "svg" && x.tagName !== "g");
    let bgs = backgrounds(tx.ownerSVGElement);
    if (under) { const f = parse(getComputedStyle(under).fill); if (f) bgs = bgs.map((b) => over([f[0], f[1], f[2], f[3] * Number(getComputedStyle(under).fillOpacity)], b)); }
    checkText(tx, parse(s.fill), parseFloat(s.fontSize) * scale, Number(s.fontWeight), bgs);
  }

  // -- glyphs that need an emoji or symbol font
  const BAD = /[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}\u{25A0}-\u{25FF}\u{2300}-\u{23FF}\u{FE0F}]/u;
  const GARBAGE = /\[object \w+\]|\bundefined\b|\bNaN\b|\bnull\b/;  // a value the code meant to format, shown raw
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (GARBAGE.test(n.textContent) && n.parentElement && visible(n.parentElement)) out.garbage.push(`${name(n.parentElement)}: ${n.textContent.trim().slice(0, 60)}`);
    if (BAD.test(n.textContent) && n.parentElement && visible(n.parentElement)) out.glyphs.push(`${name(n.parentElement)}: ${n.textContent.trim().slice(0, 40)}`);
  }
  for (const e of all) {
    for (const pseudo of ["::before", "::after"]) {
      const c = getComputedStyle(e, pseudo).content;
      if (c && c !== "none" && c !== "normal" && BAD.test(c)) out.glyphs.push(`${name(e)}${pseudo}: ${c}`);
    }
  }
  return out;
}
