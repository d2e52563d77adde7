/**
 * A whiteboard object as an ADU body (contract section 3): the UTF-8 JSON of its body, except an `image`, whose ADU
 * body is `[jsonLen u32][JSON][image bytes]`. Decoding takes hostile bytes and checks everything
 * (`checkBody` of the deck's rules); it never throws.
 */

import { sniffImage } from '../adapt/small-image.ts';
import { checkBody, kindName, MAX_IMAGE_BYTES, type KindName } from '../deck/bodies.ts';

/** One version of one object, as the edge keeps and sends it. */
export interface BoardObject {
  /** Slide 1..65535; 0 holds the presenter's current-slide pointer. */
  readonly slide: number;
  /** Object id >= 1, unique in the presentation. */
  readonly id: number;
  /** Version >= 1. */
  readonly v: number;
  readonly kind: KindName;
  /** The kind's body, checked. */
  readonly body: Readonly<Record<string, unknown>>;
  /** An image's file bytes (only for kind `image`, 1..MAX_IMAGE_BYTES). */
  readonly image?: Uint8Array;
}

/** Longest JSON of a body, bytes (a stroke of 5000 points in full precision stays well under it). */
export const MAX_BODY_JSON_BYTES = 256 * 1024;

/** The ADU body of an object. */
export function encodeBody(o: Pick<BoardObject, 'kind' | 'body' | 'image'>): Uint8Array {
  const json = Buffer.from(JSON.stringify(o.body), 'utf8');
  if (o.kind !== 'image') return json;
  const image = o.image ?? new Uint8Array(0);
  const out = Buffer.allocUnsafe(4 + json.length + image.length);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  out.set(image, 4 + json.length);
  return out;
}

/** What an ADU body decodes to: the object's kind, body and image, or the problem with it. */
export type DecodedBody = { readonly ok: true; readonly kind: KindName; readonly body: Record<string, unknown>; readonly image?: Uint8Array } | { readonly ok: false; readonly problem: string };

/** Decodes and checks the ADU body of kind byte `kindCode`. */
export function decodeBody(kindCode: number, bytes: Uint8Array): DecodedBody {
  const kind = kindName(kindCode);
  if (kind === undefined) return { ok: false, problem: `unknown kind byte ${kindCode}` };
  let json = bytes;
  let image: Uint8Array | undefined;
  if (kind === 'image') {
    if (bytes.length < 4) return { ok: false, problem: 'image body shorter than its length field' };
    const len = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32BE(0);
    if (len > bytes.length - 4) return { ok: false, problem: 'image body JSON length past its end' };
    json = bytes.subarray(4, 4 + len);
    image = bytes.subarray(4 + len);
    const problem = imageProblem(image);
    if (problem !== undefined) return { ok: false, problem };
  }
  const parsed = parseJson(json);
  if (!parsed.ok) return parsed;
  const problem = checkBody(kind, parsed.value);
  if (problem !== undefined) return { ok: false, problem: `${kind} body: ${problem}` };
  return { ok: true, kind, body: parsed.value as Record<string, unknown>, ...(image && { image }) };
}

/** What is wrong with an image file's bytes (size, or not PNG, JPEG, GIF or WebP), or undefined. */
export function imageProblem(image: Uint8Array): string | undefined {
  if (image.length === 0 || image.length > MAX_IMAGE_BYTES) return `image of ${image.length} bytes (1..${MAX_IMAGE_BYTES})`;
  return sniffImage(image) === undefined ? 'image bytes are not PNG, JPEG, GIF or WebP' : undefined;
}

/** JSON text of at most MAX_BODY_JSON_BYTES, parsed; never throws. */
export function parseJson(bytes: Uint8Array | string): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string } {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > MAX_BODY_JSON_BYTES) return { ok: false, problem: `JSON of ${size} bytes exceeds ${MAX_BODY_JSON_BYTES}` };
  try {
    const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err as Error).message.slice(0, 80)}` };
  }
}
