'use strict';
// Scattercast live dashboard. Connects to ../v1/live (relative to the page), receives one full DashboardSnapshot
// (see src/dashboard/snapshot.ts) about once a second, and draws the clusters and nodes, the selected session's
// mesh, one source's tree, the clients and the receivers, plus two tables beside the graph.

const SVG_NS = 'http://www.w3.org/2000/svg';
const HTML_NS = 'http://www.w3.org/1999/xhtml';
const NODE_R = 22; // node circle radius (fits a five-digit port)
const ITEM_DIST = 50; // node centre to client glyph centre
const ITEM_WIDTH = { client: 70, receiver: 160 }; // horizontal room per hanging glyph and its label
const CLIENT_SIZE = 12; // client square side
const RECEIVER_SIZE = 14; // receiver glyph side
const LINE_H = 13; // label line height
const CHAR_W = 7; // rough width of one character of a 12px label, for overlap checks
const LABEL_TRIES = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78]; // where along a tree edge its label may go, best first
const HEADER_H = 36; // room for a cluster's name and frontend above its nodes
const LABEL_ROOM = 46; // room beyond a hanging glyph for its label (three lines)
const GROUP_GAP = 90; // space between cluster regions (client labels may poke out of their region)
const MARGIN = 80; // space around the whole picture
const MIN_VIEW = { w: 900, h: 640 }; // smallest viewBox, so a lone cluster is not drawn huge
const OTHER = 'other';
const STALE_MS = 8000; // reconnect when an open socket stays silent this long
const STATUS_TEXT = { live: 'live', connecting: 'connecting…', disconnected: 'disconnected' };

const state = {
  snapshot: null,
  session: '',
  source: '',
  socket: null,
  attempt: 0,
  lastMessage: 0,
  retryTimer: 0,
  layoutKey: '',
  layout: null,
};

// Shorthand for getElementById.
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- DOM building and in-place updating

// Builds an element in namespace `ns`; null/undefined/false attributes and children are skipped.
function make(ns, tag, attrs, children) {
  const el = document.createElementNS(ns, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Builds an SVG element.
const s = (tag, attrs, ...children) => make(SVG_NS, tag, attrs, children);

// Builds an HTML element.
const h = (tag, attrs, ...children) => make(HTML_NS, tag, attrs, children);

// Makes `live` match `next` with as few DOM changes as possible, so tooltips and hover survive updates.
function morph(live, next) {
  if (live.nodeType !== next.nodeType || live.nodeName !== next.nodeName) {
    live.replaceWith(next);
  } else if (live.nodeType !== Node.ELEMENT_NODE) {
    if (live.nodeValue !== next.nodeValue) live.nodeValue = next.nodeValue;
  } else {
    syncAttributes(live, next);
    morphChildren(live, next);
  }
}

// Morphs children pairwise by position, appending what is missing and removing the surplus.
function morphChildren(live, next) {
  const have = [...live.childNodes];
  const want = [...next.childNodes];
  want.forEach((child, i) => (i < have.length ? morph(have[i], child) : live.append(child)));
  for (const extra of have.slice(want.length)) extra.remove();
}

// Copies `next`'s attributes onto `live` and drops those `next` lacks.
function syncAttributes(live, next) {
  for (const { name } of [...live.attributes]) if (!next.hasAttribute(name)) live.removeAttribute(name);
  for (const { name, value } of [...next.attributes]) if (live.getAttribute(name) !== value) live.setAttribute(name, value);
}

// ---------------------------------------------------------------- formatting

// Natural order for addresses (ports ascend numerically); used for layout and menus.
const natural = (a, b) => a.localeCompare(b, 'en', { numeric: true });

// Plain lexicographic order; used for mesh-edge endpoints.
const lexical = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// The port part of host:port (works for [v6]:port too).
const portOf = (address) => address.slice(address.lastIndexOf(':') + 1);

// Whether a value is a usable number.
const isNum = (n) => typeof n === 'number' && Number.isFinite(n);

// A rate for display: whole numbers from 100 up, one decimal below; '–' if missing.
const fmtRate = (n) => (!isNum(n) ? '–' : n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));

// Milliseconds rounded to 0.1; '–' if null.
const fmtMs = (n) => (isNum(n) ? n.toFixed(1) : '–');

// A count with thousands separators; '–' if missing.
const fmtCount = (n) => (isNum(n) ? Math.round(n).toLocaleString('en') : '–');

// Bytes per second in human units (decimal: B/s, kB/s, MB/s, GB/s).
function fmtBytes(n) {
  if (!isNum(n)) return '–';
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s'];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return i === 0 ? `${Math.round(n)} B/s` : `${n.toFixed(1)} ${units[i]}`;
}

// Cuts text to `max` characters with an ellipsis.
const clip = (text, max) => (text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`);

// ---------------------------------------------------------------- model (pure functions of the snapshot)

// Nodes by address; the first occurrence of an address wins.
function nodesByAddress(snap) {
  const map = new Map();
  for (const node of snap.nodes ?? []) if (node?.address && !map.has(node.address)) map.set(node.address, node);
  return map;
}

// Every session name any node has an SCX for, sorted.
function sessionNames(nodes) {
  const names = new Set();
  for (const node of nodes.values()) for (const sv of node.sessions ?? []) names.add(sv.name);
  return [...names].sort(natural);
}

// The selected session's SCX at each node that has one: address -> SessionView.
function scxOf(nodes, session) {
  const map = new Map();
  for (const node of nodes.values()) {
    const sv = (node.sessions ?? []).find((x) => x.name === session);
    if (sv) map.set(node.address, sv);
  }
  return map;
}

// Sources named in the routes of the session's SCXs, sorted.
function sourceNames(scx) {
  const names = new Set();
  for (const sv of scx.values()) for (const route of sv.routes ?? []) names.add(route.source);
  return [...names].sort(natural);
}

// SCXs whose route for the source has no upstream, i.e. the source's own SCX.
function sourceRoots(scx, source) {
  const roots = new Set();
  for (const [address, sv] of scx) {
    if ((sv.routes ?? []).some((r) => r.source === source && !r.upstream)) roots.add(address);
  }
  return roots;
}

// Addresses mentioned by any SCX, cluster or receiver that are not nodes of the snapshot (drawn dashed).
function ghostAddresses(snap, nodes) {
  const seen = new Set();
  for (const node of nodes.values()) {
    for (const sv of node.sessions ?? []) {
      for (const peer of sv.neighbours ?? []) seen.add(peer);
      for (const route of sv.routes ?? []) {
        if (route.upstream) seen.add(route.upstream);
        for (const child of route.downstream ?? []) seen.add(child);
      }
    }
  }
  for (const cluster of snap.clusters ?? []) for (const address of cluster.nodes ?? []) seen.add(address);
  for (const receiver of snap.receivers ?? []) seen.add(receiver.scx);
  return [...seen].filter((a) => typeof a === 'string' && a && !nodes.has(a)).sort(natural);
}

// Groups every address into its cluster or "other": clusters in the snapshot's order (then any named only by a
// node, sorted), "other" last; members in their cluster's listed order, then the rest sorted.
function groupsOf(snap, nodes, ghosts) {
  const listed = new Map();
  const rank = new Map();
  const frontends = new Map();
  for (const cluster of snap.clusters ?? []) {
    frontends.set(cluster.name, cluster.frontend ?? null);
    (cluster.nodes ?? []).forEach((address, i) => {
      if (listed.has(address)) return;
      listed.set(address, cluster.name);
      rank.set(address, i);
    });
  }
  const members = new Map([...frontends.keys()].map((name) => [name, []]));
  const add = (name, address) => (members.get(name) ?? members.set(name, []).get(name)).push(address);
  for (const node of nodes.values()) add(node.cluster ?? OTHER, node.address);
  for (const address of ghosts) add(listed.get(address) ?? OTHER, address);
  const unlisted = [...members.keys()].filter((name) => !frontends.has(name) && name !== OTHER).sort(natural);
  const names = [...frontends.keys()].filter((name) => name !== OTHER).concat(unlisted);
  if (members.has(OTHER)) names.push(OTHER);
  const order = (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || natural(a, b);
  return names.map((name) => ({ name, frontend: frontends.get(name) ?? null, members: members.get(name).sort(order) }));
}

// Undirected mesh edges of the session: endpoints sorted lexicographically, one per pair.
function meshEdges(scx) {
  const pairs = new Map();
  for (const [address, sv] of scx) {
    for (const peer of sv.neighbours ?? []) {
      if (!peer || peer === address) continue;
      const [a, b] = [address, peer].sort(lexical);
      pairs.set(`${a} ${b}`, { a, b });
    }
  }
  return [...pairs.values()].sort((x, y) => lexical(x.a, y.a) || lexical(x.b, y.b));
}

// The source's tree: one edge upstream -> SCX per route, with the upstream node's link to that SCX (or null).
function treeEdges(scx, nodes, source) {
  const edges = new Map();
  for (const [address, sv] of scx) {
    const route = (sv.routes ?? []).find((r) => r.source === source);
    if (!route?.upstream || route.upstream === address) continue;
    const link = (nodes.get(route.upstream)?.links ?? []).find((l) => l.peer === address) ?? null;
    edges.set(`${route.upstream} ${address}`, { from: route.upstream, to: address, link, costMs: route.costMs });
  }
  return [...edges.values()].sort((x, y) => natural(x.from, y.from) || natural(x.to, y.to));
}

// Clients (tagged with their node) and receivers of the session; everything when there are no sessions.
function attachments(snap, nodes, session) {
  const wanted = (name) => !session || name === session;
  const clients = [];
  for (const node of nodes.values()) {
    for (const client of node.clients ?? []) if (wanted(client.session)) clients.push({ ...client, scx: node.address });
  }
  const receivers = (snap.receivers ?? []).filter((r) => wanted(r.session));
  return { clients, receivers };
}

// ---------------------------------------------------------------- layout (deterministic, cached per node set)

// Radius of the small circle a group's members sit on (adjacent members ~140 apart).
const ringRadius = (count) => (count < 2 ? 0 : Math.max(70, 140 / (2 * Math.sin(Math.PI / count))));

// The layout for this snapshot's groups, reused while the set of groups and members is unchanged.
function layoutFor(groups) {
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
const regionRect = (box) => ({ x: box.cx - box.half, y: box.cy - box.half - HEADER_H, w: 2 * box.half, h: 2 * box.half + HEADER_H });

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

// ---------------------------------------------------------------- geometry helpers

// Rounds a coordinate to 0.1 so attributes stay short and stable.
const r1 = (v) => Math.round(v * 10) / 10;

// Spots for the glyphs hanging from a node: one row centred below (or above) it, each glyph given its kind's width;
// dy says which way their labels read (1 down, -1 up).
function itemSpots(p, kinds) {
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
function arcPath(a, b, ref) {
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
function placeArcLabel(arc, text, boxes) {
  const spots = LABEL_TRIES.map((t) => arcLabelSpot(arc, t, text));
  const spot = spots.find((candidate) => !boxes.some((b) => intersects(b, candidate.box))) ?? spots[0];
  boxes.push(spot.box);
  return spot;
}

// The box a text block covers, given its anchor x, top, width and height.
function textBox(x, top, width, height, anchor) {
  const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  return { x0, y0: top, x1: x0 + width, y1: top + height };
}

// Whether two boxes overlap.
const intersects = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

// The box around a circle of radius r at p.
const circleBox = (p, r) => ({ x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r });

// The point `dist` from p in the direction of q.
function towards(p, q, dist) {
  const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
  return { x: p.x + ((q.x - p.x) / len) * dist, y: p.y + ((q.y - p.y) / len) * dist };
}

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

// ---------------------------------------------------------------- SVG glyphs

// Marker definitions: the tree arrowhead.
function defs() {
  return s('defs', {},
    s('marker', { id: 'tree-arrow', class: 'arrow', viewBox: '0 0 12 10', refX: 0, refY: 5, markerWidth: 12, markerHeight: 10, markerUnits: 'userSpaceOnUse', orient: 'auto' },
      s('path', { d: 'M0 0 L12 5 L0 10 z' })));
}

// A cluster's rounded region (its label is drawn separately, above the edges).
function regionGlyph(box) {
  const rect = regionRect(box);
  return s('g', { class: box.name === OTHER && box.frontend === null ? 'region other' : 'region', 'data-cluster': box.name },
    s('title', {}, box.frontend ? `${box.name} — ${box.frontend}` : box.name),
    s('rect', { x: r1(rect.x), y: r1(rect.y), width: r1(rect.w), height: r1(rect.h), rx: 16 }));
}

// A cluster's name and frontend URL, at the top left of its region.
function regionLabel(box) {
  const rect = regionRect(box);
  const chars = Math.floor((rect.w - 24) / 6.2);
  return s('g', { class: 'region-label', 'data-cluster': box.name },
    s('text', { class: 'cluster-name', x: r1(rect.x + 14), y: r1(rect.y + 19) }, clip(box.name, Math.floor(chars * 0.75))),
    box.frontend ? s('text', { class: 'cluster-frontend', x: r1(rect.x + 14), y: r1(rect.y + 32) }, clip(box.frontend, chars)) : null);
}

// One undirected mesh edge.
function meshLine(edge, pos) {
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
function treeGlyphs(edge, layout, maxRate, boxes) {
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
function nodeGlyph(node, p, flags) {
  const classes = ['node', !node.healthy && 'unhealthy', flags.absent && 'absent', flags.source && 'source'].filter(Boolean).join(' ');
  return s('g', { class: classes, 'data-address': node.address, 'data-cluster': node.cluster ?? OTHER, transform: `translate(${r1(p.x)} ${r1(p.y)})` },
    s('title', {}, node.address),
    flags.source ? s('circle', { class: 'ring', r: NODE_R + 6 }) : null,
    s('circle', { class: 'body', r: NODE_R }),
    s('text', { class: 'port', 'text-anchor': 'middle', dy: '0.35em' }, portOf(node.address)));
}

// A peer mentioned by some SCX but absent from the snapshot's nodes: dashed, not a "node".
function ghostGlyph(address, p) {
  return s('g', { class: 'ghost', 'data-address': address, transform: `translate(${r1(p.x)} ${r1(p.y)})` },
    s('title', {}, `${address} (not in this snapshot)`),
    s('circle', { class: 'body', r: NODE_R }),
    s('text', { class: 'port', 'text-anchor': 'middle', dy: '0.35em' }, portOf(address)));
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
function attachmentGlyphs(attached, pos, boxes) {
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

// ---------------------------------------------------------------- rendering

// Redraws the graph, tables and header from the latest snapshot and the current selection.
function render() {
  const snap = state.snapshot;
  if (!snap) return;
  const nodes = nodesByAddress(snap);
  syncSelectors(nodes);
  const layout = layoutFor(groupsOf(snap, nodes, ghostAddresses(snap, nodes)));
  const scx = scxOf(nodes, state.session);
  const tree = treeEdges(scx, nodes, state.source);
  const attached = attachments(snap, nodes, state.session);
  drawGraph(layout, nodes, scx, tree, attached);
  fillLinks(tree);
  fillReceivers(attached);
  fillHeader(snap);
  document.body.dataset.snapshotAt = String(snap.at);
  document.body.dataset.nodes = String($('graph').querySelectorAll('g.node').length);
  document.body.dataset.session = state.session;
  document.body.dataset.source = state.source;
}

// Draws the SVG graph in layers: regions, mesh, tree, cluster labels, nodes, clients, tree labels (placed clear
// of nodes and client labels).
function drawGraph(layout, nodes, scx, tree, attached) {
  const graph = $('graph');
  const roots = sourceRoots(scx, state.source);
  const maxRate = Math.max(0, ...tree.map((e) => e.link?.packetsPerS).filter(isNum));
  const boxes = [...layout.pos.values()].map((p) => circleBox(p, NODE_R + 7));
  const hanging = attachmentGlyphs(attached, layout.pos, boxes);
  const treeParts = tree.map((edge) => treeGlyphs(edge, layout, maxRate, boxes));
  const hasSession = state.session !== '';
  const reported = [...layout.pos].filter(([address]) => nodes.has(address));
  const ghosts = [...layout.pos].filter(([address]) => !nodes.has(address));
  const next = s('svg', {},
    defs(),
    s('g', { class: 'layer regions' }, layout.boxes.map(regionGlyph)),
    s('g', { class: 'layer meshes' }, meshEdges(scx).map((edge) => meshLine(edge, layout.pos))),
    s('g', { class: 'layer trees' }, treeParts.map(([path]) => path)),
    s('g', { class: 'layer region-labels' }, layout.boxes.map(regionLabel)),
    s('g', { class: 'layer ghosts' }, ghosts.map(([address, p]) => ghostGlyph(address, p))),
    s('g', { class: 'layer nodes' }, reported.map(([address, p]) =>
      nodeGlyph(nodes.get(address), p, { absent: hasSession && !scx.has(address), source: roots.has(address) }))),
    s('g', { class: 'layer attachments' }, hanging),
    s('g', { class: 'layer tree-labels' }, treeParts.map(([, label]) => label)),
    layout.boxes.length === 0 ? s('text', { class: 'empty', x: 400, y: 250, 'text-anchor': 'middle' }, 'no nodes in this snapshot') : null);
  graph.setAttribute('viewBox', layout.viewBox);
  morphChildren(graph, next);
}

// Refreshes the session and source pickers, keeping the user's choice while it still exists.
function syncSelectors(nodes) {
  const sessions = sessionNames(nodes);
  state.session = pick(sessions, state.session);
  fillSelect($('session'), sessions, state.session);
  const sources = sourceNames(scxOf(nodes, state.session));
  state.source = pick(sources, state.source);
  fillSelect($('source'), sources, state.source);
}

// The current choice if still offered, else the first option ('' when none).
const pick = (options, current) => (options.includes(current) ? current : options[0] ?? '');

// Replaces a select's options only when the list changed, then selects `value`.
function fillSelect(select, values, value) {
  const current = [...select.options].map((o) => o.value);
  if (current.length !== values.length || current.some((v, i) => v !== values[i])) {
    select.replaceChildren(...values.map((v) => h('option', { value: v }, v)));
  }
  select.value = value;
  select.disabled = values.length === 0;
}

// Fills the tree-links table for the selected source.
function fillLinks(tree) {
  $('links-source').textContent = state.source ? `source ${state.source}` : '';
  const rows = tree.map((e) => h('tr', { 'data-from': e.from, 'data-to': e.to },
    h('td', { title: e.from }, e.from),
    h('td', { title: e.to }, e.to),
    h('td', { class: 'num' }, fmtRate(e.link?.packetsPerS)),
    h('td', { class: 'num' }, fmtBytes(e.link?.bytesPerS)),
    h('td', { class: 'num' }, fmtMs(e.link?.rttMs ?? null))));
  fillBody($('links'), rows, 5, 'no tree links');
}

// Fills the receivers-and-clients table: receivers first, then clients.
function fillReceivers(attached) {
  const rows = [
    ...attached.receivers.map((r) => h('tr', { class: 'receiver', 'data-scx': r.scx },
      h('td', { title: r.name }, r.name), h('td', {}, r.scx), h('td', {}, r.via),
      h('td', { class: 'num' }, fmtCount(r.packets)), h('td', { class: 'num' }, fmtRate(r.packetsPerS)),
      h('td', { class: r.gaps > 0 ? 'num warn' : 'num' }, fmtCount(r.gaps)), h('td', { class: 'num' }, fmtMs(r.delayMs ?? null)))),
    ...attached.clients.map((c) => h('tr', { class: 'client', 'data-scx': c.scx },
      h('td', { title: c.id }, c.id), h('td', {}, c.scx), h('td', {}, c.role),
      h('td', { class: 'num' }, fmtCount(c.packets)), h('td', { class: 'num' }, fmtRate(c.packetsPerS)),
      h('td', { class: 'num' }, '–'), h('td', { class: 'num' }, '–'))),
  ];
  fillBody($('receivers'), rows, 7, 'no receivers or clients');
}

// Puts rows into a table body in place, or a single placeholder row when there are none.
function fillBody(table, rows, columns, emptyText) {
  const body = rows.length > 0 ? rows : [h('tr', { class: 'empty' }, h('td', { colspan: columns }, emptyText))];
  morphChildren(table.tBodies[0], h('tbody', {}, body));
}

// Shows the snapshot's title and time in the header.
function fillHeader(snap) {
  const title = String(snap.title ?? 'Scattercast');
  if ($('title').textContent !== title) $('title').textContent = title;
  document.title = `${title} — dashboard`;
  $('at').textContent = isNum(snap.at) ? `at ${new Date(snap.at).toLocaleTimeString()}` : '';
}

// ---------------------------------------------------------------- live connection

// Shows the connection state in #status and on <body data-status>.
function setStatus(kind) {
  const el = $('status');
  el.textContent = STATUS_TEXT[kind];
  el.dataset.state = kind;
  document.body.dataset.status = kind;
}

// The ws(s):// URL of /v1/live, resolved relative to the page so a path prefix in front of /dashboard/ is kept.
function liveUrl() {
  const url = new URL('../v1/live', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

// Opens the socket; each message is a full snapshot, a close schedules a reconnect.
function connect() {
  clearTimeout(state.retryTimer);
  setStatus('connecting');
  const ws = new WebSocket(liveUrl());
  state.socket = ws;
  state.lastMessage = 0;
  ws.addEventListener('open', () => { state.lastMessage = Date.now(); });
  ws.addEventListener('message', (event) => onMessage(ws, event.data));
  ws.addEventListener('close', () => drop(ws));
}

// Takes one snapshot message from the current socket and redraws.
function onMessage(ws, data) {
  if (ws !== state.socket) return;
  let snap;
  try {
    snap = JSON.parse(data);
  } catch {
    return; // not a snapshot; wait for the next one
  }
  if (!snap || typeof snap !== 'object' || !Array.isArray(snap.nodes)) return;
  state.lastMessage = Date.now();
  state.attempt = 0;
  setStatus('live');
  state.snapshot = snap;
  render();
}

// Forgets a socket that closed or went silent and schedules the next attempt (1 s, 2 s, 4 s, then 5 s).
function drop(ws) {
  if (ws !== state.socket) return;
  state.socket = null;
  if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close();
  setStatus('disconnected');
  const delay = Math.min(5000, 1000 * 2 ** state.attempt);
  state.attempt += 1;
  state.retryTimer = setTimeout(connect, delay);
}

// Drops an open socket that has stopped delivering snapshots.
function watchdog() {
  const ws = state.socket;
  if (ws?.readyState === WebSocket.OPEN && state.lastMessage && Date.now() - state.lastMessage > STALE_MS) drop(ws);
}

// Wires the pickers and starts the connection.
function start() {
  $('session').addEventListener('change', (e) => { state.session = e.target.value; state.source = ''; render(); });
  $('source').addEventListener('change', (e) => { state.source = e.target.value; render(); });
  setInterval(watchdog, 1000);
  connect();
}

start();
