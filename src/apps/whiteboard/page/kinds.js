// The object kinds of a whiteboard slide and their bodies (contract section 3): names, codes, and the checks that
// every body from the SCX passes before the page keeps or draws it (bytes from the network are hostile).

/** Logical slide canvas, px (both pages draw at this size so their pixels match). */
export const SLIDE_W = 1600;
export const SLIDE_H = 900;

/** Kind names by wire code. */
export const KINDS = Object.freeze({ 1: 'slide', 2: 'text', 3: 'stroke', 4: 'rect', 5: 'image', 6: 'deleted', 7: 'current' });

/** Image types the presenter may upload and a page draws. */
export const IMAGE_MIMES = Object.freeze(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** Largest image file, bytes. */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

/** Most points in one stroke. */
export const MAX_POINTS = 5000;

const COLOR = /^#[0-9a-f]{6}$/i;
const coord = (n) => typeof n === 'number' && Number.isFinite(n) && n >= -10000 && n <= 10000;
const within = (n, lo, hi) => typeof n === 'number' && Number.isFinite(n) && n >= lo && n <= hi;
const extent = (n) => within(n, 0, 10000);
const text = (s, max) => typeof s === 'string' && s.length <= max;
const color = (c) => typeof c === 'string' && COLOR.test(c);
const isObject = (b) => b !== null && typeof b === 'object' && !Array.isArray(b);

// One check per kind: true when the body is what the kinds table says.
const CHECKS = {
  slide: (b) => text(b.title, 200) && color(b.bg),
  text: (b) => coord(b.x) && coord(b.y) && text(b.text, 2000) && within(b.size, 8, 200) && color(b.color),
  stroke: (b) => Array.isArray(b.points) && b.points.length >= 1 && b.points.length <= MAX_POINTS
    && b.points.every((p) => Array.isArray(p) && p.length === 2 && coord(p[0]) && coord(p[1]))
    && color(b.color) && within(b.width, 1, 50),
  rect: (b) => coord(b.x) && coord(b.y) && extent(b.w) && extent(b.h) && color(b.color) && within(b.width, 0, 50)
    && (b.fill === null || color(b.fill)),
  image: (b) => coord(b.x) && coord(b.y) && extent(b.w) && extent(b.h) && IMAGE_MIMES.includes(b.mime),
  deleted: () => true,
  current: (b) => Number.isInteger(b.slide) && b.slide >= 1 && b.slide <= 65535,
};

// The keys each kind's body has, no more.
const KEYS = {
  slide: ['title', 'bg'],
  text: ['x', 'y', 'text', 'size', 'color'],
  stroke: ['points', 'color', 'width'],
  rect: ['x', 'y', 'w', 'h', 'color', 'width', 'fill'],
  image: ['x', 'y', 'w', 'h', 'mime'],
  deleted: [],
  current: ['slide'],
};

/** Whether `kind` is a kind name this page knows. */
export const isKind = (kind) => typeof kind === 'string' && Object.hasOwn(CHECKS, kind);

/** Whether `body` is a valid body of `kind` (the rules of the edge's bodies.ts, which a test holds this to). */
export function validBody(kind, body) {
  return isKind(kind) && isObject(body) && Object.keys(body).every((k) => KEYS[kind].includes(k)) && CHECKS[kind](body);
}

/** Whether `n` is a slide number (1..65535). */
export const isSlide = (n) => Number.isInteger(n) && n >= 1 && n <= 65535;

/** Whether `n` is an object id or version (1..2^32-1). */
export const isCounter = (n) => Number.isInteger(n) && n >= 1 && n <= 0xffffffff;

/** An `obj` message's fields when they are valid, else undefined (`{ slide, id, v, kind, body }`). */
export function checkObj(m) {
  if (!isObject(m) || !isSlide(m.slide) || !isCounter(m.id) || !isCounter(m.v)) return undefined;
  if (m.kind === 'current' || !validBody(m.kind, m.body)) return undefined;
  return { slide: m.slide, id: m.id, v: m.v, kind: m.kind, body: m.body };
}
