/* Product pictures drawn in SVG (no photos): a simple outline per product shape, coloured from the content. */
import { el as s } from "/static/common/svg.js";

const R = (x, y, w, h, rx, fill) => s("rect", { x, y, width: w, height: h, rx: rx || 0, fill });
const C = (cx, cy, r, fill) => s("circle", { cx, cy, r, fill });
const SHAPES = {
  tv: (c, a) => [R(6, 14, 88, 54, 3, c), R(10, 18, 80, 46, 1, "#0b1220"), R(44, 68, 12, 8, 0, a), R(30, 76, 40, 4, 2, a)],
  speaker: (c, a) => [R(8, 40, 84, 22, 6, c), C(28, 51, 6, a), C(50, 51, 6, a), C(72, 51, 6, a)],
  phone: (c, a) => [R(32, 8, 36, 84, 7, c), R(35, 14, 30, 70, 3, "#0b1220"), C(50, 88, 2, a)],
  watch: (c, a) => [R(40, 6, 20, 88, 6, a), R(30, 28, 40, 44, 10, c), R(35, 33, 30, 34, 7, "#0b1220")],
  tablet: (c, a) => [R(16, 12, 68, 76, 6, c), R(20, 16, 60, 66, 3, "#0b1220"), C(50, 85, 2, a)],
  laptop: (c, a) => [R(18, 18, 64, 44, 3, c), R(22, 22, 56, 36, 1, "#0b1220"), s("path", { d: "M8 66h84l-6 10H14z", fill: a })],
  desktop: (c, a) => [R(30, 10, 40, 80, 4, c), R(36, 18, 28, 4, 1, a), R(36, 26, 28, 4, 1, a), C(50, 70, 8, "#0b1220")],
  console: (c, a) => [s("path", { d: "M20 40q30-16 60 0l8 26q-6 10-16 4l-8-10H36l-8 10q-10 6-16-4z", fill: c }), C(34, 50, 5, a), C(66, 50, 5, a)],
  camera: (c, a) => [R(12, 30, 76, 48, 8, c), R(24, 22, 20, 10, 3, c), C(52, 54, 18, "#0b1220"), C(52, 54, 11, a)],
  headphones: (c, a) => [s("path", { d: "M20 60a30 30 0 0 1 60 0", fill: "none", stroke: c, "stroke-width": 8 }), R(12, 56, 18, 28, 6, a), R(70, 56, 18, 28, 6, a)],
  hub: (c, a) => [C(50, 54, 30, c), C(50, 54, 18, a), C(50, 54, 6, "#0b1220")],
  fridge: (c, a) => [R(24, 6, 52, 88, 5, c), R(24, 40, 52, 2, 0, "#64748b"), R(66, 16, 3, 16, 1, a), R(66, 50, 3, 22, 1, a)],
  washer: (c, a) => [R(16, 10, 68, 82, 6, c), R(16, 10, 68, 14, 6, a), C(50, 58, 22, "#0b1220"), C(50, 58, 14, "#334155")],
  ac: (c, a) => [R(8, 28, 84, 34, 10, c), R(16, 50, 68, 4, 2, a), s("path", { d: "M30 70q4 8 0 14M50 70q4 8 0 14M70 70q4 8 0 14", stroke: a, "stroke-width": 3, fill: "none" })],
  purifier: (c, a) => [R(28, 8, 44, 84, 12, c), R(34, 16, 32, 20, 4, a), C(50, 62, 10, "#0b1220")],
  heater: (c, a) => [R(14, 30, 72, 30, 12, c), R(30, 60, 12, 30, 4, a), C(72, 45, 8, "#0b1220")],
  vacuum: (c, a) => [C(50, 54, 34, c), C(50, 54, 24, a), C(50, 32, 5, "#0b1220")],
  oven: (c, a) => [R(10, 18, 80, 64, 6, c), R(18, 30, 52, 44, 3, "#0b1220"), C(80, 34, 4, a), C(80, 48, 4, a)],
  cooker: (c, a) => [s("ellipse", { cx: 50, cy: 60, rx: 36, ry: 26, fill: c }), R(22, 32, 56, 10, 5, a), R(44, 24, 12, 8, 3, "#334155")],
  kettle: (c, a) => [s("path", { d: "M30 86h40l-4-56H34z", fill: c }), R(36, 20, 28, 10, 4, a)],
  lamp: (c, a) => [s("path", { d: "M30 16h40l10 30H20z", fill: c }), R(48, 46, 4, 36, 1, a), R(30, 82, 40, 6, 3, a)],
  chair: (c, a) => [R(28, 8, 44, 50, 14, c), R(20, 52, 60, 20, 8, c), R(30, 72, 8, 18, 2, a), R(62, 72, 8, 18, 2, a)],
  box: (c, a) => [R(18, 24, 64, 60, 6, c), R(18, 24, 64, 12, 6, a)],
  bag: (c, a) => [s("path", { d: "M18 36h64l-6 54H24z", fill: c }), s("path", { d: "M36 36q0-20 14-20t14 20", fill: "none", stroke: a, "stroke-width": 4 })],
  bowl: (c, a) => [s("path", { d: "M10 46h80q0 40-40 40T10 46z", fill: c }), s("path", { d: "M30 40q6-14 0-26M50 40q6-14 0-26M70 40q6-14 0-26", stroke: a, "stroke-width": 3, fill: "none" })],
  printer: (c, a) => [R(22, 10, 56, 24, 3, a), R(10, 32, 80, 38, 6, c), R(24, 62, 52, 28, 2, "#f8fafc")],
};
export function draw(picture, label) {
  const svg = s("svg", { viewBox: "0 0 100 100", class: "pic", role: "img", "aria-label": label || "" });
  const f = SHAPES[picture && picture.shape] || SHAPES.box;
  for (const e of f((picture && picture.color) || "#3b82f6", (picture && picture.accent) || "#e5e7eb")) svg.append(e);
  return svg;
}
