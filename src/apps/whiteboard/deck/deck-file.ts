/**
 * Deck files: a presentation saved as JSON with its images embedded (base64), so a talk can be prepared and
 * loaded (`scattercast whiteboard --deck <file>`, the presenter page's Save and Load). A file is hostile input:
 * bounded in size and count, every field checked, and a refusal names where the file is wrong.
 *
 * ```json
 * { "format": "scattercast-whiteboard", "version": 1, "title": "...", "current": 1,
 *   "slides": [{ "slide": 1, "objects": [{ "id": 2, "kind": "slide", "body": { "title": "...", "bg": "#ffffff" } },
 *                                        { "id": 9, "kind": "image", "body": { ... }, "data": "<base64 of the image file>" }] }] }
 * ```
 */

import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, ScError } from '../../../core/errors.ts';
import { sniffImage } from '../adapt/small-image.ts';
import { findBodyProblem, formatBodyPath, MAX_IMAGE_BYTES, MAX_TITLE_CHARS, type KindName } from './bodies.ts';

/** The `format` field of every deck file. */
export const DECK_FORMAT = 'scattercast-whiteboard';

/** The deck format version this code reads and writes. */
export const DECK_VERSION = 1;

/** Largest deck file, characters of JSON text (the node's default maxDeckBytes). */
export const MAX_DECK_TEXT = 64 * 1024 * 1024;

/** Most objects in one deck, all slides together. */
export const MAX_DECK_OBJECTS = 50_000;

/** Kinds a deck holds: what a slide shows (`current` is the deck's own field; deletions are simply absent). */
export type DeckKind = Exclude<KindName, 'current' | 'deleted'>;

/** One object of a slide at its latest version. */
export interface DeckObject {
  /** The object's id, 1..2^32-1, unique on its slide. */
  readonly id: number;
  /** Its kind. */
  readonly kind: DeckKind;
  /** Its body, valid for its kind (checkBody). */
  readonly body: Readonly<Record<string, unknown>>;
  /** An image's file bytes (image objects only; its type matches body.mime). */
  readonly data?: Uint8Array;
}

/** One slide. */
export interface DeckSlide {
  /** The slide number, 1..65535. */
  readonly slide: number;
  /** Its objects in drawing order; one of them is its `slide` object. */
  readonly objects: readonly DeckObject[];
}

/** A saved presentation. */
export interface Deck {
  /** The presentation's title (at most MAX_TITLE_CHARS). */
  readonly title: string;
  /** The slide the presenter is on, 1..65535. */
  readonly current: number;
  /** The slides in ascending order of number. */
  readonly slides: readonly DeckSlide[];
}

const DECK_KINDS: readonly string[] = ['slide', 'text', 'stroke', 'rect', 'image'];
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MIME_OF = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' } as const;

const invalid = (where: string, problem: string): ScError => new ScError(ErrorCode.WB_DECK_INVALID, `${where}: ${problem}`);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** Refuses keys of `o` (at `where`) other than `allowed`. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) throw invalid(where === '' ? key.slice(0, 40) : `${where}.${key.slice(0, 40)}`, 'unknown key');
}

/** The deck in `text`; throws ScError ERR_WB_DECK_SYNTAX (not JSON, too large) or ERR_WB_DECK_INVALID naming the path (`slides[2].objects[0].body.x: not a number`). */
export function parseDeck(text: string): Deck {
  if (typeof text !== 'string') throw new ScError(ErrorCode.WB_DECK_SYNTAX, 'deck is not text');
  if (text.length > MAX_DECK_TEXT) throw new ScError(ErrorCode.WB_DECK_SYNTAX, `deck is larger than ${MAX_DECK_TEXT} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScError(ErrorCode.WB_DECK_SYNTAX, `deck is not JSON: ${(err instanceof Error ? err.message : String(err)).slice(0, 120)}`);
  }
  if (!isRecord(raw)) throw invalid('(top)', 'not an object');
  onlyKeys(raw, ['format', 'version', 'title', 'current', 'slides'], '');
  if (raw.format !== DECK_FORMAT) throw invalid('format', `not "${DECK_FORMAT}"`);
  if (raw.version !== DECK_VERSION) throw invalid('version', `not ${DECK_VERSION}`);
  if (typeof raw.title !== 'string') throw invalid('title', 'not a string');
  if (raw.title.length > MAX_TITLE_CHARS) throw invalid('title', `longer than ${MAX_TITLE_CHARS} characters`);
  if (!isInt(raw.current, 1, 65535)) throw invalid('current', 'not a slide number 1..65535');
  if (!Array.isArray(raw.slides)) throw invalid('slides', 'not an array');
  let budget = MAX_DECK_OBJECTS;
  const slides: DeckSlide[] = [];
  for (let i = 0; i < raw.slides.length; i++) {
    const where = `slides[${i}]`;
    const s: unknown = raw.slides[i];
    if (!isRecord(s)) throw invalid(where, 'not an object');
    onlyKeys(s, ['slide', 'objects'], where);
    if (!isInt(s.slide, 1, 65535)) throw invalid(`${where}.slide`, 'not a slide number 1..65535');
    if (slides.length > 0 && s.slide <= (slides.at(-1) as DeckSlide).slide) throw invalid(`${where}.slide`, 'not above the slide before it');
    if (!Array.isArray(s.objects)) throw invalid(`${where}.objects`, 'not an array');
    budget -= s.objects.length;
    if (budget < 0) throw invalid(`${where}.objects`, `more than ${MAX_DECK_OBJECTS} objects in the deck`);
    const objects = s.objects.map((o: unknown, j: number) => parseObject(o, `${where}.objects[${j}]`));
    const ids = new Set<number>();
    for (const [j, o] of objects.entries()) {
      if (ids.has(o.id)) throw invalid(`${where}.objects[${j}].id`, `${o.id} repeated on slide ${s.slide}`);
      ids.add(o.id);
    }
    if (!objects.some((o) => o.kind === 'slide')) throw invalid(`${where}.objects`, 'no slide object');
    slides.push({ slide: s.slide, objects });
  }
  return { title: raw.title, current: raw.current, slides };
}

/** One object of a slide, checked. */
function parseObject(o: unknown, where: string): DeckObject {
  if (!isRecord(o)) throw invalid(where, 'not an object');
  onlyKeys(o, ['id', 'kind', 'body', 'data'], where);
  if (!isInt(o.id, 1, 0xffffffff)) throw invalid(`${where}.id`, 'not an object id 1..4294967295');
  if (typeof o.kind !== 'string' || !DECK_KINDS.includes(o.kind)) throw invalid(`${where}.kind`, `not one of ${DECK_KINDS.join(', ')}`);
  const problem = findBodyProblem(o.kind, o.body);
  if (problem !== undefined) throw invalid(formatBodyPath(problem.path, `${where}.body`), problem.problem);
  const kind = o.kind as DeckKind;
  const body = o.body as Record<string, unknown>;
  if (kind !== 'image') {
    if (o.data !== undefined) throw invalid(`${where}.data`, 'only image objects have data');
    return { id: o.id, kind, body };
  }
  return { id: o.id, kind, body, data: imageData(o.data, body.mime as string, `${where}.data`) };
}

/** An image object's file from its base64 `data`, checked against its declared `mime`. */
function imageData(data: unknown, mime: string, where: string): Uint8Array {
  if (typeof data !== 'string') throw invalid(where, 'missing (base64 of the image file)');
  if (data.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4) throw invalid(where, `larger than ${MAX_IMAGE_BYTES} bytes`);
  if (!BASE64_RE.test(data)) throw invalid(where, 'not base64');
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length === 0) throw invalid(where, 'empty');
  if (bytes.length > MAX_IMAGE_BYTES) throw invalid(where, `larger than ${MAX_IMAGE_BYTES} bytes`);
  const type = sniffImage(bytes);
  if (type === undefined) throw invalid(where, 'not a PNG, JPEG, GIF or WebP file');
  if (MIME_OF[type] !== mime) throw invalid(where, `an ${MIME_OF[type]} file, but body.mime is ${mime}`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The deck as file text: stable (same deck, same text), one object per line, ending in a newline. */
export function renderDeck(deck: Deck): string {
  const slide = (s: DeckSlide): string => {
    const objects = s.objects.map((o) => {
      const data = o.data === undefined ? '' : `, "data": ${JSON.stringify(Buffer.from(o.data.buffer, o.data.byteOffset, o.data.length).toString('base64'))}`;
      return `      { "id": ${o.id}, "kind": ${JSON.stringify(o.kind)}, "body": ${JSON.stringify(o.body)}${data} }`;
    });
    return `    { "slide": ${s.slide}, "objects": [\n${objects.join(',\n')}\n    ] }`;
  };
  const head = `  "format": ${JSON.stringify(DECK_FORMAT)},\n  "version": ${DECK_VERSION},\n  "title": ${JSON.stringify(deck.title)},\n  "current": ${deck.current},`;
  const slides = deck.slides.length === 0 ? '  "slides": []' : `  "slides": [\n${deck.slides.map(slide).join(',\n')}\n  ]`;
  return `{\n${head}\n${slides}\n}\n`;
}

/** The deck in file `path`; errors name the file by `label` (`--deck`): ERR_WB_DECK_READ, or parseDeck's. */
export function readDeckFile(path: string, label: string = path): Deck {
  let text: string;
  try {
    if (statSync(path).size > MAX_DECK_TEXT * 4) throw new Error(`larger than ${MAX_DECK_TEXT} characters`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScError(ErrorCode.WB_DECK_READ, `${label}: cannot read ${path}: ${err instanceof Error ? err.message.slice(0, 120) : String(err)}`);
  }
  try {
    return parseDeck(text);
  } catch (err) {
    if (err instanceof ScError) throw new ScError(err.code, `${label}: ${err.message}`);
    throw err;
  }
}
