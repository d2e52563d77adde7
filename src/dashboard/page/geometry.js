// Geometry helpers: rounding, spots for hanging glyphs, curved tree arcs and their labels, boxes and overlap tests.

import { CHAR_W, ITEM_DIST, ITEM_WIDTH, LABEL_TRIES, NODE_R } from './sizes.js';

// Rounds a coordinate to 0.1 so attributes stay short and stable.
export const r1 = (v) => Math.round(v * 10) / 10;

// Spots for the glyphs hanging from a node: one row centred below (or above) it, each glyph given its kind's width;
// dy says which way their labels read (1 down, -1 up).
export function itemSpots(p, kinds) {
  const dy = p.hang;
  const widths = kinds.map((kind) => ITEM_WIDTH[kind]);
  const total = widths.reduce((sum, w) => sum + w, 0);
  let x = p.x - total / 2;
  return widths.map((w) => {
    const spot = { dy, x: x + w / 2, y: p.y + dy * ITEM_DIST };
    x += w;
    return spot;
  });
}

// A gently curved tree path from a to b bulging away from `ref`, trimmed at both rims (room for the arrowhead at b).
export function arcPath(a, b, ref) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const m = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const side = (m.x - ref.x) * -dy + (m.y - ref.y) * dx < 0 ? -1 : 1;
  const nx = (side * -dy) / len;
  const ny = (side * dx) / len;
  const bend = Math.min(60, len * 0.12);
  const c = { x: m.x + nx * bend, y: m.y + ny * bend };
  const start = towards(a, c, NODE_R + 2);
  const end = towards(b, c, NODE_R + 13);
  const d = `M${r1(start.x)} ${r1(start.y)} Q${r1(c.x)} ${r1(c.y)} ${r1(end.x)} ${r1(end.y)}`;
  return { d, start, c, end, nx, ny };
}

// The point at parameter t on an arc's quadratic curve.
function arcPoint(arc, t) {
  const u = 1 - t;
  return { x: u * u * arc.start.x + 2 * u * t * arc.c.x + t * t * arc.end.x, y: u * u * arc.start.y + 2 * u * t * arc.c.y + t * t * arc.end.y };
}

// A spot for a tree edge's label just off the curve on its bulging side, anchored to read away from the curve.
function arcLabelSpot(arc, t, text) {
  const p = arcPoint(arc, t);
  const x = p.x + arc.nx * 8;
  const y = p.y + arc.ny * 8;
  const anchor = arc.nx > 0.3 ? 'start' : arc.nx < -0.3 ? 'end' : 'middle';
  const below = arc.ny > 0.3;
  const above = arc.ny < -0.3;
  const top = below ? y : above ? y - 12 : y - 6.5;
  return { x, y, anchor, dy: below ? '0.9em' : above ? '-0.25em' : '0.35em', box: textBox(x, top, text.length * CHAR_W, 13, anchor) };
}

// The first label spot along the arc that collides with nothing in `boxes` (else the middle); claims its box.
export function placeArcLabel(arc, text, boxes) {
  const spots = LABEL_TRIES.map((t) => arcLabelSpot(arc, t, text));
  const spot = spots.find((candidate) => !boxes.some((b) => intersects(b, candidate.box))) ?? spots[0];
  boxes.push(spot.box);
  return spot;
}

// The box a text block covers, given its anchor x, top, width and height.
export function textBox(x, top, width, height, anchor) {
  const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  return { x0, y0: top, x1: x0 + width, y1: top + height };
}

// Whether two boxes overlap.
const intersects = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

// The box around a circle of radius r at p.
export const circleBox = (p, r) => ({ x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r });

// The point `dist` from p in the direction of q.
export function towards(p, q, dist) {
  const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
  return { x: p.x + ((q.x - p.x) / len) * dist, y: p.y + ((q.y - p.y) / len) * dist };
}
