// Deck files (contract section 5): `buildDeck` makes one from the model (images as base64 of their files),
// `readDeck` checks one and lists its objects, `loadPlan` turns one into the edits that make the presentation
// equal to it. The browser parts (`downloadDeck`, `readDeckFile`) are at the end; the rest runs anywhere.

import { IMAGE_MIMES, MAX_IMAGE_BYTES, isCounter, isSlide, validBody } from './kinds.js';

/** The `format` field of a deck file. */
export const DECK_FORMAT = 'scattercast-whiteboard';

/** Largest deck file a presenter may load, bytes of text (the node's default `maxDeckBytes`). */
export const MAX_DECK_TEXT = 64 * 1024 * 1024;

const CHUNK = 0x8000; // bytes per String.fromCharCode call when encoding base64

/** Base64 of `bytes`. */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** The bytes of base64 text; throws on text that is not base64. */
export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}

/** The deck of what `model` holds (live objects; an image whose bytes never came is left out). */
export function buildDeck(model, { title, current }) {
  const slides = model.slideNumbers().map((slide) => ({
    slide,
    objects: model.objects(slide).filter((o) => o.kind !== 'image' || o.bytes).map((o) =>
      o.kind === 'image' ? { id: o.id, kind: o.kind, body: o.body, data: toBase64(o.bytes) } : { id: o.id, kind: o.kind, body: o.body }),
  }));
  return { format: DECK_FORMAT, version: 1, title: title || 'Whiteboard', current: current ?? slides[0]?.slide ?? 1, slides };
}

/** Checks a deck file's text; returns `{ title, current, objects: [{ slide, id, kind, body, bytes? }] }` or throws an Error naming where it is wrong. */
export function readDeck(text) {
  if (text.length > MAX_DECK_TEXT) throw new Error(`the file is larger than ${MAX_DECK_TEXT} bytes`);
  let deck;
  try {
    deck = JSON.parse(text);
  } catch {
    throw new Error('the file is not JSON');
  }
  if (deck?.format !== DECK_FORMAT || deck.version !== 1) throw new Error(`format is not "${DECK_FORMAT}" version 1`);
  if (!Array.isArray(deck.slides)) throw new Error('slides is not a list');
  const objects = [];
  const seen = new Set();
  deck.slides.forEach((s, i) => {
    if (!isSlide(s?.slide)) throw new Error(`slides[${i}].slide is not a slide number`);
    if (!Array.isArray(s.objects)) throw new Error(`slides[${i}].objects is not a list`);
    s.objects.forEach((o, j) => {
      const where = `slides[${i}].objects[${j}]`;
      if (!isCounter(o?.id)) throw new Error(`${where}.id is not an object id`);
      if (seen.has(`${s.slide}:${o.id}`)) throw new Error(`${where}.id ${o.id} is repeated on slide ${s.slide}`);
      seen.add(`${s.slide}:${o.id}`);
      if (o.kind === 'current' || o.kind === 'deleted' || !validBody(o.kind, o.body)) throw new Error(`${where} is not a valid ${o?.kind} object`);
      objects.push({ slide: s.slide, id: o.id, kind: o.kind, body: o.body, bytes: o.kind === 'image' ? imageBytes(o, where) : undefined });
    });
  });
  const title = typeof deck.title === 'string' ? deck.title.slice(0, 200) : '';
  return { title, current: isSlide(deck.current) ? deck.current : (objects[0]?.slide ?? null), objects };
}

// An image object's file, checked.
function imageBytes(o, where) {
  if (typeof o.data !== 'string') throw new Error(`${where}.data is missing`);
  let bytes;
  try {
    bytes = fromBase64(o.data);
  } catch {
    throw new Error(`${where}.data is not base64`);
  }
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_IMAGE_BYTES) throw new Error(`${where}.data is empty or larger than ${MAX_IMAGE_BYTES} bytes`);
  if (!IMAGE_MIMES.includes(o.body.mime)) throw new Error(`${where}.body.mime is not an image type`);
  return bytes;
}

/**
 * The edits that make `model` equal to `deck` (from readDeck): every live object the deck lacks is deleted, then
 * the deck's objects, the current slide's first and each slide's `slide` object first on its slide.
 * Each edit is `{ slide, id, kind, body, bytes? }`; versions are the caller's (one above the model's).
 */
export function loadPlan(model, deck) {
  const keep = new Set(deck.objects.map((o) => `${o.slide}:${o.id}`));
  const deletions = [];
  for (const slide of model.allSlideNumbers()) {
    for (const o of model.objects(slide)) if (!keep.has(`${slide}:${o.id}`)) deletions.push({ slide, id: o.id, kind: 'deleted', body: {} });
  }
  const rank = (o) => (o.slide === deck.current ? 0 : 1) * 2 + (o.kind === 'slide' ? 0 : 1);
  const adds = deck.objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.o.slide - b.o.slide || a.i - b.i).map(({ o }) => o);
  return [...deletions, ...adds];
}

/** Offers `deck` to the user as a download named after the presentation. */
export function downloadDeck(deck, name) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(deck, null, 1)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${(name || 'whiteboard').replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Reads and checks a chosen deck file. */
export async function readDeckFile(file) {
  if (file.size > MAX_DECK_TEXT) throw new Error(`${file.name} is larger than ${MAX_DECK_TEXT} bytes`);
  return readDeck(await file.text());
}
