// SVG glyphs of the graph itself: arrowhead marker, cluster regions and labels, mesh lines, tree edges, nodes, ghosts.

import { s } from './dom.js';
import { clip, fmtMs, fmtRate, isNum, portOf } from './format.js';
import { arcPath, placeArcLabel, r1 } from './geometry.js';
import { regionRect } from './layout.js';
import { OTHER } from './model.js';
import { NODE_R } from './sizes.js';

// Marker definitions: the tree arrowhead.
export function defs() {
  return s('defs', {},
    s('marker', { id: 'tree-arrow', class: 'arrow', viewBox: '0 0 12 10', refX: 0, refY: 5, markerWidth: 12, markerHeight: 10, markerUnits: 'userSpaceOnUse', orient: 'auto' },
      s('path', { d: 'M0 0 L12 5 L0 10 z' })));
}

// A cluster's rounded region (its label is drawn separately, above the edges).
export function regionGlyph(box) {
  const rect = regionRect(box);
  return s('g', { class: box.name === OTHER && box.frontend === null ? 'region other' : 'region', 'data-cluster': box.name },
    s('title', {}, box.frontend ? `${box.name} — ${box.frontend}` : box.name),
    s('rect', { x: r1(rect.x), y: r1(rect.y), width: r1(rect.w), height: r1(rect.h), rx: 16 }));
}

// A cluster's name and frontend URL, at the top left of its region.
export function regionLabel(box) {
  const rect = regionRect(box);
  const chars = Math.floor((rect.w - 24) / 6.2);
  return s('g', { class: 'region-label', 'data-cluster': box.name },
    s('text', { class: 'cluster-name', x: r1(rect.x + 14), y: r1(rect.y + 19) }, clip(box.name, Math.floor(chars * 0.75))),
    box.frontend ? s('text', { class: 'cluster-frontend', x: r1(rect.x + 14), y: r1(rect.y + 32) }, clip(box.frontend, chars)) : null);
}

// One undirected mesh edge.
export function meshLine(edge, pos) {
  const a = pos.get(edge.a);
  const b = pos.get(edge.b);
  if (!a || !b) return null;
  return s('line', { class: 'mesh', 'data-a': edge.a, 'data-b': edge.b, x1: r1(a.x), y1: r1(a.y), x2: r1(b.x), y2: r1(b.y) });
}

// Stroke width for a tree edge: 1.5 to 5.5, growing with the square root of its share of the busiest link.
function treeWidth(edge, maxRate) {
  const rate = edge.link?.packetsPerS;
  if (!isNum(rate) || maxRate <= 0) return 1.5;
  return r1(1.5 + 4 * Math.sqrt(Math.max(0, rate) / maxRate));
}

// The "N pkt/s · R ms" text for a tree edge.
const treeLabelText = (edge) => `${fmtRate(edge.link?.packetsPerS)} pkt/s · ${fmtMs(edge.link?.rttMs ?? null)} ms`;

// One directed tree edge with its arrowhead, and its label placed clear of `boxes` (layered on top later).
export function treeGlyphs(edge, layout, maxRate, boxes) {
  const a = layout.pos.get(edge.from);
  const b = layout.pos.get(edge.to);
  if (!a || !b) return [null, null];
  const arc = arcPath(a, b, a.group === b.group ? { x: a.gx, y: a.gy } : layout.center);
  const path = s('path', { class: 'tree', 'data-from': edge.from, 'data-to': edge.to, d: arc.d, 'stroke-width': treeWidth(edge, maxRate), 'marker-end': 'url(#tree-arrow)' },
    s('title', {}, `${edge.from} → ${edge.to}`));
  const text = treeLabelText(edge);
  const spot = placeArcLabel(arc, text, boxes);
  const label = s('text', { class: 'tree-label', 'data-from': edge.from, 'data-to': edge.to, x: r1(spot.x), y: r1(spot.y), 'text-anchor': spot.anchor, dy: spot.dy }, text);
  return [path, label];
}

// One reported node: a circle labelled with its port, classed by health, session membership and source role.
export function nodeGlyph(node, p, flags) {
  const classes = ['node', !node.healthy && 'unhealthy', flags.absent && 'absent', flags.source && 'source'].filter(Boolean).join(' ');
  return s('g', { class: classes, 'data-address': node.address, 'data-cluster': node.cluster ?? OTHER, transform: `translate(${r1(p.x)} ${r1(p.y)})` },
    s('title', {}, node.address),
    flags.source ? s('circle', { class: 'ring', r: NODE_R + 6 }) : null,
    s('circle', { class: 'body', r: NODE_R }),
    s('text', { class: 'port', 'text-anchor': 'middle', dy: '0.35em' }, portOf(node.address)));
}

// A peer mentioned by some SCX but absent from the snapshot's nodes: dashed, not a "node".
export function ghostGlyph(address, p) {
  return s('g', { class: 'ghost', 'data-address': address, transform: `translate(${r1(p.x)} ${r1(p.y)})` },
    s('title', {}, `${address} (not in this snapshot)`),
    s('circle', { class: 'body', r: NODE_R }),
    s('text', { class: 'port', 'text-anchor': 'middle', dy: '0.35em' }, portOf(address)));
}
