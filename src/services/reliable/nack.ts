/**
 * The reliable module's control message: NACK(source, ranges), sent by an SCX to its upstream for packets of
 * `source` it is missing (its own gap, or one a downstream SCX asked for).
 * Layout (big-endian): `[type u8 = 16][sourceScx len u8][sourceScx UTF-8][range count u8]
 * [first seq u32][count u16] * range count`. Ranges are as the sender wrote them; seqs wrap at 2^32.
 */

/** The type byte of a NACK (types below 16 belong to the forward module run inside: 1 is its RELEASE). */
export const NACK_TYPE = 16;

/** Most ranges in one NACK message. */
export const MAX_NACK_RANGES = 64;

/** Most sequence numbers one NACK message may name, all ranges together (bounds a receiver's work). */
export const MAX_NACK_SEQS = 4096;

/** A run of consecutive sequence numbers: `first`, `first + 1`, ..., `first + count - 1` (mod 2^32). */
export interface SeqRange {
  readonly first: number;
  readonly count: number;
}

/** A decoded NACK. */
export interface Nack {
  readonly source: string;
  readonly ranges: readonly SeqRange[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes NACK(source, ranges); throws RangeError on a source over 255 bytes or an out-of-bounds range list. */
export function encodeNack(source: string, ranges: readonly SeqRange[]): Uint8Array {
  const s = encoder.encode(source);
  if (s.length === 0 || s.length > 255) throw new RangeError('NACK source must be 1..255 bytes');
  if (ranges.length === 0 || ranges.length > MAX_NACK_RANGES) throw new RangeError(`a NACK holds 1..${MAX_NACK_RANGES} ranges`);
  const out = new Uint8Array(3 + s.length + 6 * ranges.length);
  const view = new DataView(out.buffer);
  out[0] = NACK_TYPE;
  out[1] = s.length;
  out.set(s, 2);
  let p = 2 + s.length;
  out[p++] = ranges.length;
  for (const r of ranges) {
    if (r.count < 1 || r.count > MAX_NACK_SEQS) throw new RangeError(`range count out of bounds: ${r.count}`);
    view.setUint32(p, r.first >>> 0);
    view.setUint16(p + 4, r.count);
    p += 6;
  }
  return out;
}

/**
 * Decodes a NACK; undefined for anything malformed (wrong type, lengths, empty ranges, more than
 * `MAX_NACK_SEQS` seqs in all, bad UTF-8). Never throws.
 */
export function decodeNack(data: Uint8Array): Nack | undefined {
  if (data.length < 3 || data[0] !== NACK_TYPE) return undefined;
  const len = data[1] as number;
  if (len === 0 || data.length < 3 + len) return undefined;
  const n = data[2 + len] as number;
  if (n === 0 || n > MAX_NACK_RANGES || data.length !== 3 + len + 6 * n) return undefined;
  let source: string;
  try {
    source = decoder.decode(data.subarray(2, 2 + len));
  } catch {
    return undefined;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const ranges: SeqRange[] = [];
  let total = 0;
  for (let p = 3 + len; p < data.length; p += 6) {
    const count = view.getUint16(p + 4);
    total += count;
    if (count === 0 || total > MAX_NACK_SEQS) return undefined;
    ranges.push({ first: view.getUint32(p), count });
  }
  return { source, ranges };
}

/** Packs sequence numbers (in sequence order) into the range lists of as many messages as the bounds need. */
export function toRanges(seqs: readonly number[]): SeqRange[][] {
  const messages: SeqRange[][] = [];
  let ranges: SeqRange[] = [];
  let inMessage = 0;
  let first: number | undefined;
  let count = 0;
  const close = (): void => {
    if (first === undefined) return;
    ranges.push({ first, count });
    inMessage += count;
    first = undefined;
    if (ranges.length === MAX_NACK_RANGES || inMessage === MAX_NACK_SEQS) {
      messages.push(ranges);
      ranges = [];
      inMessage = 0;
    }
  };
  for (const seq of seqs) {
    if (first !== undefined && ((first + count) >>> 0) === seq && inMessage + count < MAX_NACK_SEQS) {
      count++;
      continue;
    }
    close();
    first = seq;
    count = 1;
  }
  close();
  if (ranges.length > 0) messages.push(ranges);
  return messages;
}
