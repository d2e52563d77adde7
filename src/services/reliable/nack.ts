/**
 * The reliable module's range messages: NACK(source, ranges), sent by an SCX to its upstream for packets of
 * `source` it is missing (its own gap, or one a downstream SCX asked for), and UNAVAILABLE(source, ranges), the
 * answer down the tree for NACKed packets that no SCX upstream can repair any more (PGM's NCF, negative).
 * Layout (big-endian): `[type u8 = 16 | 18][sourceScx len u8][sourceScx UTF-8][range count u8]
 * [first seq u32][count u16] * range count`. Ranges are as the sender wrote them; seqs wrap at 2^32.
 * See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';

/** The type byte of a NACK (types below 16 belong to the forward module run inside: 1 is its RELEASE). */
export const NACK_TYPE = 16;

/** The type byte of an UNAVAILABLE (17 is the SPM, spm.ts). */
export const UNAVAILABLE_TYPE = 18;

/** The type byte of a range message. */
export type RangeMessageType = typeof NACK_TYPE | typeof UNAVAILABLE_TYPE;

/** Most ranges in one NACK message. */
export const MAX_NACK_RANGES = 64;

/** Most sequence numbers one NACK message may name, all ranges together (bounds a receiver's work). */
export const MAX_NACK_SEQS = 4096;

/** A run of consecutive sequence numbers: `first`, `first + 1`, ..., `first + count - 1` (mod 2^32). */
export interface SeqRange {
  readonly first: number;
  readonly count: number;
}

/** A decoded NACK or UNAVAILABLE. */
export interface Nack {
  readonly source: string;
  readonly ranges: readonly SeqRange[];
}

/** One writer reused by every call: encoding is synchronous, and `finish()` hands out a copy. */
const writer = new ByteWriter(512);

/**
 * Encodes NACK(source, ranges) (or, with `type`, UNAVAILABLE); throws RangeError on a source of 0 or over 255 bytes, no or over
 * MAX_NACK_RANGES ranges, a range count under 1, over MAX_NACK_SEQS seqs in all, or a first seq outside u32.
 */
export function encodeNack(source: string, ranges: readonly SeqRange[], type: RangeMessageType = NACK_TYPE): Uint8Array {
  const w = writer;
  w.reset();
  w.u8(type);
  w.shortString(source, 1);
  writeRanges(w, ranges);
  return w.finish();
}

/**
 * Writes `[range count u8]([first seq u32][count u16])*` (this file's and the adu module's NACKs); throws RangeError on
 * no or over MAX_NACK_RANGES ranges, a count under 1, over MAX_NACK_SEQS seqs in all, or a first seq outside u32.
 */
export function writeRanges(w: ByteWriter, ranges: readonly SeqRange[]): void {
  if (ranges.length === 0 || ranges.length > MAX_NACK_RANGES) throw new RangeError(`a NACK holds 1..${MAX_NACK_RANGES} ranges`);
  w.u8(ranges.length);
  let total = 0;
  for (const r of ranges) {
    total += r.count;
    if (!(r.count >= 1) || total > MAX_NACK_SEQS) throw new RangeError(`range count ${r.count} out of bounds, or over ${MAX_NACK_SEQS} seqs in all`);
    w.u32(r.first);
    w.u16(r.count);
  }
}

function readNack(r: ByteReader, expected: RangeMessageType): Nack {
  const type = r.u8();
  if (type !== expected) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown reliable control type ${type}`);
  const source = r.shortString('source', 1);
  const ranges = readRanges(r);
  r.end('NACK');
  return { source, ranges };
}

/** Reads `[range count u8]([first seq u32][count u16])*`: 1..MAX_NACK_RANGES non-empty ranges, MAX_NACK_SEQS seqs in all at most (a DecodeError otherwise). */
export function readRanges(r: ByteReader): SeqRange[] {
  const at = r.offset;
  const n = r.u8();
  if (n === 0) throw new DecodeError(WireCode.RANGE, `NACK at offset ${at} has no ranges`);
  if (n > MAX_NACK_RANGES) throw new DecodeError(WireCode.OVERSIZE, `NACK at offset ${at}: ${n} ranges exceed limit ${MAX_NACK_RANGES}`);
  const ranges: SeqRange[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const first = r.u32();
    const count = r.u16();
    if (count === 0) throw new DecodeError(WireCode.RANGE, `range at offset ${r.offset - 6} is empty`);
    total += count;
    if (total > MAX_NACK_SEQS) throw new DecodeError(WireCode.OVERSIZE, `NACK names over ${MAX_NACK_SEQS} seqs`);
    ranges.push({ first, count });
  }
  return ranges;
}

/**
 * Decodes a NACK (or, with `type`, an UNAVAILABLE). Never throws: another type, bad lengths, empty ranges, more
 * than `MAX_NACK_SEQS` seqs in all or bad UTF-8 are refused with their WireCode.
 */
export function decodeNack(data: Uint8Array, type: RangeMessageType = NACK_TYPE): Decoded<Nack> {
  return decodeWith(data, (r) => readNack(r, type));
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
