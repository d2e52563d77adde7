// The whiteboard's object kinds and the rules every object body keeps (contract section 3's table). One checker
// for all inputs, in the browser and at the edge: deck files, a presenter's edits, ADUs from the network and
// objects a page receives. A plain ES module (the pages load it as it is; the server imports it through
// body-rules.d.ts beside it). Bodies are parsed JSON and hostile: checked field by field, unknown keys refused,
// every string and array bounded.

/** Kind name -> the kind byte an ADU carries. */
export const KIND_CODES = Object.freeze({ slide: 1, text: 2, stroke: 3, rect: 4, image: 5, deleted: 6, current: 7 });

/** The logical slide canvas, CSS px at scale 1 (every page draws at this size). */
export const CANVAS = Object.freeze({ width: 1600, height: 900 });

/** Largest absolute coordinate (and width or height) a body may carry, logical px. */
export const MAX_COORD = 10000;

/** Longest slide title, UTF-16 code units. */
export const MAX_TITLE_CHARS = 200;

/** Longest text object, UTF-16 code units. */
export const MAX_TEXT_CHARS = 2000;

/** Most points in one stroke. */
export const MAX_STROKE_POINTS = 5000;

/** Largest image file an `image` object carries, bytes. */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

/** The image types an `image` object may name. */
export const IMAGE_MIMES = Object.freeze(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The kind's name for kind byte `code`, or undefined for a byte with no meaning. */
export function kindName(code) {
  for (const [name, c] of Object.entries(KIND_CODES)) if (c === code) return name;
  return undefined;
}

/** Formats a body path: `points[3][0]`, `x`; prefixed by `base` (`slides[0].objects[1].body`) when given. */
export function formatBodyPath(path, base = '') {
  let out = base;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

/** The first problem of `body` as a `kind` body, `x: not a number` (path relative to the body), or undefined when valid. */
export function checkBody(kind, body) {
  const p = findBodyProblem(kind, body);
  if (p === undefined) return undefined;
  return p.path.length === 0 ? p.problem : `${formatBodyPath(p.path)}: ${p.problem}`;
}

/** The first problem of `body` as a `kind` body with its path (`{ path, problem }`), or undefined when valid. */
export function findBodyProblem(kind, body) {
  if (!Object.hasOwn(KIND_CODES, kind)) return { path: [], problem: `unknown kind '${String(kind).slice(0, 20)}'` };
  if (!isRecord(body)) return { path: [], problem: 'not an object' };
  const rules = RULES[kind];
  for (const key of Object.keys(body)) if (!Object.hasOwn(rules, key)) return { path: [key.slice(0, 40)], problem: 'unknown key' };
  for (const [key, rule] of Object.entries(rules)) {
    if (!Object.hasOwn(body, key)) return { path: [key], problem: 'missing' };
    const inner = rule(body[key]);
    if (inner !== undefined) return { path: [key, ...inner.path], problem: inner.problem };
  }
  return undefined;
}

// A rule checks one field: undefined when valid, else `{ path, problem }` with the path inside the field.

const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

const here = (problem) => ({ path: [], problem });

/** A finite number in lo..hi (inclusive). */
const num = (lo, hi) => (v) =>
  typeof v !== 'number' || !Number.isFinite(v) ? here('not a number') : v < lo || v > hi ? here(`not in ${lo}..${hi}`) : undefined;

/** An integer in lo..hi (inclusive). */
const int = (lo, hi) => (v) =>
  typeof v !== 'number' || !Number.isInteger(v) ? here('not an integer') : v < lo || v > hi ? here(`not in ${lo}..${hi}`) : undefined;

/** A string of at most `max` UTF-16 code units. */
const text = (max) => (v) =>
  typeof v !== 'string' ? here('not a string') : v.length > max ? here(`longer than ${max} characters`) : undefined;

const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

/** A colour, `#rrggbb`. */
const color = (v) => (typeof v === 'string' && COLOR_RE.test(v) ? undefined : here('not a #rrggbb colour'));

/** A colour or null (no fill). */
const colorOrNull = (v) => (v === null ? undefined : color(v) === undefined ? undefined : here('not a #rrggbb colour or null'));

const coord = num(-MAX_COORD, MAX_COORD);
const extent = num(0, MAX_COORD);

/** A stroke's points: 1..MAX_STROKE_POINTS pairs of coordinates. */
const points = (v) => {
  if (!Array.isArray(v)) return here('not an array');
  if (v.length < 1 || v.length > MAX_STROKE_POINTS) return here(`not 1..${MAX_STROKE_POINTS} points`);
  for (let i = 0; i < v.length; i++) {
    const pt = v[i];
    if (!Array.isArray(pt) || pt.length !== 2) return { path: [i], problem: 'not an [x, y] pair' };
    for (let j = 0; j < 2; j++) {
      const p = coord(pt[j]);
      if (p !== undefined) return { path: [i, j], problem: p.problem };
    }
  }
  return undefined;
};

const mime = (v) => (typeof v === 'string' && IMAGE_MIMES.includes(v) ? undefined : here(`not one of ${IMAGE_MIMES.join(', ')}`));

/** Each kind's fields, every one required, no others allowed. */
const RULES = {
  slide: { title: text(MAX_TITLE_CHARS), bg: color },
  text: { x: coord, y: coord, text: text(MAX_TEXT_CHARS), size: num(8, 200), color },
  stroke: { points, color, width: num(1, 50) },
  rect: { x: coord, y: coord, w: extent, h: extent, color, width: num(0, 50), fill: colorOrNull },
  image: { x: coord, y: coord, w: extent, h: extent, mime },
  deleted: {},
  current: { slide: int(1, 65535) },
};
