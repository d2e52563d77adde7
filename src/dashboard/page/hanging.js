// Glyphs hanging off a node: clients and receivers, each with a tether to the node and a label that claims its box.

import { s } from './dom.js';
import { fmtCount, fmtMs, fmtRate } from './format.js';
import { circleBox, itemSpots, r1, textBox, towards } from './geometry.js';
import { CHAR_W, CLIENT_SIZE, LINE_H, NODE_R, RECEIVER_SIZE } from './sizes.js';

// A centred multi-line text block below (or above) a glyph, `gap` from its centre; claims its box.
function hangingLabel(spot, gap, lines, cls, boxes) {
  const x = spot.x;
  const span = (lines.length - 1) * LINE_H;
  const first = spot.dy > 0 ? spot.y + gap + 8 : spot.y - gap - span - 2;
  const width = Math.max(...lines.map((line) => line.trim().length)) * CHAR_W;
  boxes.push(textBox(x, first - 9, width, span + 12, 'middle'), circleBox(spot, gap));
  return s('text', { class: cls, 'text-anchor': 'middle' },
    lines.map((line, i) => s('tspan', { x: r1(x), y: r1(first + i * LINE_H) }, line)));
}

// The short line from a node's rim to a glyph hanging off it.
function tether(p, spot, size) {
  const from = towards(p, spot, NODE_R);
  const to = towards(spot, p, size * 0.6);
  return s('line', { class: 'tether', x1: r1(from.x), y1: r1(from.y), x2: r1(to.x), y2: r1(to.y) });
}

// A client of a node: small square, tether and its packet rate.
function clientGlyph(client, p, spot, boxes) {
  const half = CLIENT_SIZE / 2;
  return s('g', { class: 'client', 'data-scx': client.scx, 'data-role': client.role, 'data-id': client.id },
    s('title', {}, `${client.id} — ${client.role}, channel ${client.channel}, ${fmtCount(client.packets)} packets`),
    tether(p, spot, CLIENT_SIZE),
    s('rect', { class: 'glyph', x: r1(spot.x - half), y: r1(spot.y - half), width: CLIENT_SIZE, height: CLIENT_SIZE }),
    hangingLabel(spot, half + 5, [`${fmtRate(client.packetsPerS)} pkt/s`], 'client-label', boxes));
}

// The lines of a receiver's label; joined they read "name: N pkt/s, gaps G, delay D ms, via".
const receiverLines = (r) => [`${r.name}: ${fmtRate(r.packetsPerS)} pkt/s, `, `gaps ${fmtCount(r.gaps)}, delay ${fmtMs(r.delayMs ?? null)} ms, `, String(r.via)];

// A receiver (the demo's own client): rounded glyph, tether and a three-line label.
function receiverGlyph(receiver, p, spot, boxes) {
  const half = RECEIVER_SIZE / 2;
  return s('g', { class: 'receiver', 'data-scx': receiver.scx, 'data-name': receiver.name, 'data-via': receiver.via },
    s('title', {}, `${receiver.name} — session ${receiver.session}, channel ${receiver.channel}, ${fmtCount(receiver.packets)} packets`),
    tether(p, spot, RECEIVER_SIZE),
    s('rect', { class: 'glyph', x: r1(spot.x - half), y: r1(spot.y - half), width: RECEIVER_SIZE, height: RECEIVER_SIZE, rx: 3 }),
    hangingLabel(spot, half + 5, receiverLines(receiver), 'receiver-label', boxes));
}

// All client and receiver glyphs, in a row hanging from the node each is attached to; their labels claim boxes.
export function attachmentGlyphs(attached, pos, boxes) {
  const byScx = new Map();
  const push = (scx, item) => (byScx.get(scx) ?? byScx.set(scx, []).get(scx)).push(item);
  for (const client of attached.clients) push(client.scx, { kind: 'client', item: client });
  for (const receiver of attached.receivers) push(receiver.scx, { kind: 'receiver', item: receiver });
  const glyphs = [];
  for (const [scx, items] of byScx) {
    const p = pos.get(scx);
    if (!p) continue;
    const spots = itemSpots(p, items.map(({ kind }) => kind));
    items.forEach(({ kind, item }, i) => {
      glyphs.push(kind === 'client' ? clientGlyph(item, p, spots[i], boxes) : receiverGlyph(item, p, spots[i], boxes));
    });
  }
  return glyphs;
}
