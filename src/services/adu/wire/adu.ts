/**
 * The ADU fragment (paper 5.2): an application data unit travels as one or more data packets of the channel, each
 * payload one fragment, `[type u8 = 0x41][flags u8: bit0 reliable][kind u8][slide u16][object u32][version u32]`
 * `[slideSeq u32][afterObject u32][afterVersion u32][fragment u16][fragments u16][presentation u8 len + UTF-8][body]`.
 * Every fragment but the last carries exactly MAX_FRAGMENT_BODY bytes of body, so one ADU has one encoding. See
 * docs/wire.md. Object ids are presentation-wide: `after` names an object of any slide of the same presentation.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';

/** The type byte of an ADU fragment: 'A'. */
export const ADU_TYPE = 0x41;

/** Bytes of body in one fragment, at most (every fragment but the last carries exactly this many). */
export const MAX_FRAGMENT_BODY = 1100;

/** Bytes of one ADU's whole body, at most (8 MiB). */
export const MAX_ADU_BYTES = 8 * 1024 * 1024;

/** Fragments of one ADU, at most: what MAX_ADU_BYTES takes. */
export const MAX_FRAGMENTS = Math.ceil(MAX_ADU_BYTES / MAX_FRAGMENT_BODY);

/** UTF-8 bytes of a presentation name, at most (at least 1). */
export const MAX_PRESENTATION_BYTES = 64;

/** Bytes of a fragment's header before the presentation name. */
export const ADU_FIXED_BYTES = 29;

/** Whether a lost fragment is repaired (`reliable`) or may be lost (`best-effort`, slideSeq 0). */
export type Reliability = 'reliable' | 'best-effort';

/** What the application says about one ADU (the fields every fragment repeats). */
export interface AduSpec {
  /** The presentation's name, 1..64 UTF-8 bytes. */
  readonly presentation: string;
  /** u16: 0 is presentation-wide, slides are 1..65535. */
  readonly slide: number;
  /** u32 >= 1, unique in the presentation. */
  readonly object: number;
  /** u32 >= 1: a later version replaces the earlier one (full state). */
  readonly version: number;
  /** u8 >= 1, the application's object kind (opaque to the module). */
  readonly kind: number;
  /** Repaired or not. */
  readonly reliability: Reliability;
  /** Deliver only once `object` has been delivered at `version` or later (both >= 1); absent: no constraint. */
  readonly after?: { readonly object: number; readonly version: number };
}

/** One fragment's header. */
export interface AduHeader extends AduSpec {
  /** u32: reliable fragments 1, 2, 3, ... per (source, presentation, slide); best-effort ones 0. */
  readonly slideSeq: number;
  /** u16, 0..fragments-1. */
  readonly fragment: number;
  /** u16, 1..MAX_FRAGMENTS. */
  readonly fragments: number;
}

/** One decoded fragment. */
export interface AduFragment {
  readonly header: AduHeader;
  /** On decode, a view of the input (no copy); copy what outlives the input. */
  readonly body: Uint8Array;
}

const RELIABLE_FLAG = 0x01;

/** One writer reused by every call: encoding is synchronous. */
const writer = new ByteWriter(ADU_FIXED_BYTES + MAX_PRESENTATION_BYTES + MAX_FRAGMENT_BODY + 1);

/** How many fragments (and so reliable seqs) a body of `bytes` takes. */
export function fragmentCount(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / MAX_FRAGMENT_BODY));
}

/** Why this header with a body of `bodyBytes` cannot be on the wire, or undefined when it can. */
function headerProblem(h: AduHeader, bodyBytes: number): string | undefined {
  const u32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (!Number.isInteger(h.kind) || h.kind < 1 || h.kind > 0xff) return `kind ${h.kind} is not 1..255`;
  if (!Number.isInteger(h.slide) || h.slide < 0 || h.slide > 0xffff) return `slide ${h.slide} is not 0..65535`;
  if (!u32(h.object) || h.object < 1) return `object ${h.object} is not 1..2^32-1`;
  if (!u32(h.version) || h.version < 1) return `version ${h.version} is not 1..2^32-1`;
  if (h.reliability !== 'reliable' && h.reliability !== 'best-effort') return `reliability ${String(h.reliability)} is unknown`;
  if (!u32(h.slideSeq)) return `slideSeq ${h.slideSeq} is not a u32`;
  if ((h.reliability === 'reliable') !== h.slideSeq > 0) return `a ${h.reliability} fragment with slideSeq ${h.slideSeq}`;
  if (h.after !== undefined && (!u32(h.after.object) || !u32(h.after.version) || h.after.object < 1 || h.after.version < 1)) {
    return `after (${h.after.object}, ${h.after.version}) is not two u32 >= 1`;
  }
  if (!Number.isInteger(h.fragments) || h.fragments < 1 || h.fragments > MAX_FRAGMENTS) return `fragments ${h.fragments} is not 1..${MAX_FRAGMENTS}`;
  if (!Number.isInteger(h.fragment) || h.fragment < 0 || h.fragment >= h.fragments) return `fragment ${h.fragment} is not 0..${h.fragments - 1}`;
  const last = h.fragment === h.fragments - 1;
  if (!last && bodyBytes !== MAX_FRAGMENT_BODY) return `fragment ${h.fragment} of ${h.fragments} carries ${bodyBytes} bytes, not ${MAX_FRAGMENT_BODY}`;
  if (last && h.fragments > 1 && bodyBytes === 0) return `the last of ${h.fragments} fragments is empty`;
  if (bodyBytes > MAX_FRAGMENT_BODY) return `a fragment body of ${bodyBytes} bytes exceeds ${MAX_FRAGMENT_BODY}`;
  if ((h.fragments - 1) * MAX_FRAGMENT_BODY + (last ? bodyBytes : 0) > MAX_ADU_BYTES) return `an ADU over ${MAX_ADU_BYTES} bytes`;
  return undefined;
}

/** Encodes one fragment; throws a RangeError on a field out of range or a body that does not fit its place. */
export function encodeAduFragment(header: AduHeader, body: Uint8Array): Uint8Array {
  const problem = headerProblem(header, body.length);
  if (problem !== undefined) throw new RangeError(`ADU fragment: ${problem}`);
  const w = writer;
  w.reset();
  w.u8(ADU_TYPE);
  w.u8(header.reliability === 'reliable' ? RELIABLE_FLAG : 0);
  w.u8(header.kind);
  w.u16(header.slide);
  w.u32(header.object);
  w.u32(header.version);
  w.u32(header.slideSeq);
  w.u32(header.after?.object ?? 0);
  w.u32(header.after?.version ?? 0);
  w.u16(header.fragment);
  w.u16(header.fragments);
  try {
    w.shortString(header.presentation, 1);
  } catch (err) {
    throw new RangeError(`ADU fragment: presentation: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (w.length - ADU_FIXED_BYTES - 1 > MAX_PRESENTATION_BYTES) throw new RangeError(`ADU fragment: presentation over ${MAX_PRESENTATION_BYTES} bytes`);
  w.raw(body);
  return w.finish();
}

/** Decodes one fragment. Never throws: a refusal says what was wrong and where. */
export function decodeAduFragment(bytes: Uint8Array): Decoded<AduFragment> {
  return decodeWith(bytes, readFragment);
}

function readFragment(r: ByteReader): AduFragment {
  const type = r.u8();
  if (type !== ADU_TYPE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `ADU: type 0x${type.toString(16)} at offset 0, not 0x41`);
  const flags = r.u8();
  if ((flags & ~RELIABLE_FLAG) !== 0) throw new DecodeError(WireCode.RANGE, `ADU: flags 0x${flags.toString(16)} at offset 1 set unknown bits`);
  const kind = r.u8();
  const slide = r.u16();
  const object = r.u32();
  const version = r.u32();
  const slideSeq = r.u32();
  const afterObject = r.u32();
  const afterVersion = r.u32();
  const fragment = r.u16();
  const fragments = r.u16();
  const presentation = r.shortString('presentation', 1);
  if (r.offset - ADU_FIXED_BYTES - 1 > MAX_PRESENTATION_BYTES) {
    throw new DecodeError(WireCode.OVERSIZE, `ADU: presentation at offset ${ADU_FIXED_BYTES} over ${MAX_PRESENTATION_BYTES} bytes`);
  }
  const body = r.rest();
  if ((afterObject === 0) !== (afterVersion === 0)) throw new DecodeError(WireCode.RANGE, `ADU: after (${afterObject}, ${afterVersion}) at offset 18 is half set`);
  const reliability: Reliability = (flags & RELIABLE_FLAG) !== 0 ? 'reliable' : 'best-effort';
  const spec = { presentation, slide, object, version, kind, reliability };
  const header: AduHeader =
    afterObject === 0 ? { ...spec, slideSeq, fragment, fragments } : { ...spec, after: { object: afterObject, version: afterVersion }, slideSeq, fragment, fragments };
  const problem = headerProblem(header, body.length);
  if (problem !== undefined) throw new DecodeError(WireCode.RANGE, `ADU: ${problem}`);
  return { header, body };
}

/** The payloads of one ADU: reliable fragments numbered firstSeq, firstSeq+1, ...; best-effort ones 0 (firstSeq ignored). */
export function fragmentAdu(spec: AduSpec, body: Uint8Array, firstSeq: number): Uint8Array[] {
  if (body.length > MAX_ADU_BYTES) throw new RangeError(`ADU of ${body.length} bytes exceeds ${MAX_ADU_BYTES}`);
  const fragments = fragmentCount(body.length);
  const reliable = spec.reliability === 'reliable';
  if (reliable && (!Number.isInteger(firstSeq) || firstSeq < 1 || firstSeq + fragments - 1 > 0xffffffff)) {
    throw new RangeError(`first seq ${firstSeq} of ${fragments} reliable fragments is not 1..2^32-1`);
  }
  const out: Uint8Array[] = [];
  for (let fragment = 0; fragment < fragments; fragment++) {
    const piece = body.subarray(fragment * MAX_FRAGMENT_BODY, (fragment + 1) * MAX_FRAGMENT_BODY);
    out.push(encodeAduFragment({ ...spec, slideSeq: reliable ? firstSeq + fragment : 0, fragment, fragments }, piece));
  }
  return out;
}

/** The spec of a fragment's header (its ADU's fields, without the fragment's own). */
export function specOf(h: AduHeader): AduSpec {
  const { presentation, slide, object, version, kind, reliability } = h;
  return h.after === undefined ? { presentation, slide, object, version, kind, reliability } : { presentation, slide, object, version, kind, reliability, after: h.after };
}
