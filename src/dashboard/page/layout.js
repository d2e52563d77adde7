// Layout: deterministic positions of the cluster regions and their members, and the viewBox, cached per node set.

import { state } from './state.js';
import { GROUP_GAP, HEADER_H, ITEM_DIST, LABEL_ROOM, MARGIN, MIN_VIEW, NODE_R, RECEIVER_SIZE } from './sizes.js';

// Radius of the small circle a group's members sit on (adjacent members ~140 apart).
const ringRadius = (count) => (count < 2 ? 0 : Math.max(70, 140 / (2 * Math.sin(Math.PI / count))));

// The layout for this snapshot's groups, reused while the set of groups and members is unchanged.
export function layoutFor(groups) {
  const key = JSON.stringify(groups);
  if (key !== state.layoutKey) {
    state.layoutKey = key;
    state.layout = computeLayout(groups);
  }
  return state.layout;
}

// Positions every group and member; returns group boxes, member positions and the fitting viewBox.
function computeLayout(groups) {
  const boxes = groups.map((g) => {
    const ring = ringRadius(g.members.length);
    return { ...g, ring, half: ring + NODE_R + ITEM_DIST + RECEIVER_SIZE / 2 + LABEL_ROOM };
  });
  placeGroups(boxes);
  const pos = new Map();
  for (const box of boxes) box.members.forEach((address, i) => pos.set(address, memberPosition(box, i)));
  const center = { x: mean(boxes.map((b) => b.cx)), y: mean(boxes.map((b) => b.cy)) };
  return { boxes, pos, center, viewBox: viewBoxOf(boxes) };
}

// Centres the groups: side by side when there are at most two, else evenly around the smallest circle that keeps
// the regions apart, starting at the top left (three form a triangle, four a 2x2 grid). A row of three would make
// the picture too wide to read at 1280x800 and send the outer clusters' edges straight through the middle one.
function placeGroups(boxes) {
  if (boxes.length <= 2) {
    let x = 0;
    boxes.forEach((box, i) => {
      if (i > 0) x += boxes[i - 1].half + box.half + GROUP_GAP;
      Object.assign(box, { cx: x, cy: 0 });
    });
    return;
  }
  const start = -Math.PI / 2 - Math.PI / boxes.length;
  const angles = boxes.map((_, i) => start + (2 * Math.PI * i) / boxes.length);
  const at = (radius) => boxes.forEach((box, i) => Object.assign(box, { cx: radius * Math.cos(angles[i]), cy: radius * Math.sin(angles[i]) }));
  let radius = 20;
  for (at(radius); radius < 20000 && anyOverlap(boxes); at(radius)) radius += 10;
}

// Whether any two group regions (plus the gap between groups) overlap.
function anyOverlap(boxes) {
  const rects = boxes.map(regionRect);
  return rects.some((a, i) => rects.slice(i + 1).some((b) =>
    a.x < b.x + b.w + GROUP_GAP && b.x < a.x + a.w + GROUP_GAP && a.y < b.y + b.h + GROUP_GAP && b.y < a.y + a.h + GROUP_GAP));
}

// A member's spot on its group's ring, its group's centre, and which way its clients hang: up (-1) from the top of
// the ring, else down (1), so their labels stay above or below it rather than reaching into the gap between groups.
function memberPosition(box, i) {
  const group = { group: box.name, gx: box.cx, gy: box.cy };
  if (box.ring === 0) return { x: box.cx, y: box.cy, hang: 1, ...group };
  const angle = ringStart(box.members.length) + (2 * Math.PI * i) / box.members.length;
  return { x: box.cx + box.ring * Math.cos(angle), y: box.cy + box.ring * Math.sin(angle), hang: Math.sin(angle) < -0.2 ? -1 : 1, ...group };
}

// Angle of a ring's first member: a pair sits side by side, otherwise start at the top, turned by half a step when
// that would put members level with the centre (4, 8, ...), since their hanging clients would meet the ring's edges.
function ringStart(count) {
  if (count === 2) return Math.PI;
  return count % 4 === 0 ? -Math.PI / 2 - Math.PI / count : -Math.PI / 2;
}

// Arithmetic mean (0 for no values).
const mean = (values) => (values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length);

// The rectangle a group's region occupies (the header sits above the member area).
export const regionRect = (box) => ({ x: box.cx - box.half, y: box.cy - box.half - HEADER_H, w: 2 * box.half, h: 2 * box.half + HEADER_H });

// A viewBox enclosing every region plus a margin for labels that poke out, at least MIN_VIEW so that a small
// picture is not blown up.
function viewBoxOf(boxes) {
  if (boxes.length === 0) return '0 0 800 500';
  const rects = boxes.map(regionRect);
  const x0 = Math.min(...rects.map((r) => r.x)) - MARGIN;
  const y0 = Math.min(...rects.map((r) => r.y)) - MARGIN / 2;
  const x1 = Math.max(...rects.map((r) => r.x + r.w)) + MARGIN;
  const y1 = Math.max(...rects.map((r) => r.y + r.h)) + MARGIN / 2;
  const w = Math.max(x1 - x0, MIN_VIEW.w);
  const h = Math.max(y1 - y0, MIN_VIEW.h);
  return [(x0 + x1 - w) / 2, (y0 + y1 - h) / 2, w, h].map((v) => Math.round(v)).join(' ');
}
