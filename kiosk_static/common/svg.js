/* SVG helpers both floor maps use (kiosk wayfinding and the manager map): elements with attributes set from
   JS (the CSP forbids inline styles) and polygon centroids for labels. */
export const NS = "http://www.w3.org/2000/svg";

export function el(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

export function centroid(poly) {
  let x = 0, y = 0;
  for (const [px, py] of poly) { x += px; y += py; }
  return [x / poly.length, y / poly.length];
}
