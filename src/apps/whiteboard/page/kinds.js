// The object kinds of a whiteboard slide and their bodies (contract section 3), as the pages use them: the rules
// are body-rules.js, the very code the edge checks with; every body from the SCX passes them before the page
// keeps or draws it (bytes from the network are hostile).

import { CANVAS, findBodyProblem, KIND_CODES, MAX_STROKE_POINTS } from './body-rules.js';

export { IMAGE_MIMES, MAX_IMAGE_BYTES } from './body-rules.js';

/** Logical slide canvas, px (both pages draw at this size so their pixels match). */
export const SLIDE_W = CANVAS.width;
export const SLIDE_H = CANVAS.height;

/** Most points in one stroke. */
export const MAX_POINTS = MAX_STROKE_POINTS;

const isObject = (b) => b !== null && typeof b === 'object' && !Array.isArray(b);

/** Whether `kind` is a kind name this page knows. */
export const isKind = (kind) => typeof kind === 'string' && Object.hasOwn(KIND_CODES, kind);

/** Whether `body` is a valid body of `kind` (the edge's own rules). */
export const validBody = (kind, body) => isKind(kind) && findBodyProblem(kind, body) === undefined;

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
