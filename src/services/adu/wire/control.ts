/**
 * The adu module's SCX-to-SCX control messages (module-to-module path). NACK and UNAVAILABLE name reliable fragments
 * of one slide, `[type u8 = 0x4e 'N' | 0x55 'U'][sourceScx u8 len + UTF-8][presentation u8 len + UTF-8, 1..64]`
 * `[slide u16][range count u8, 1..64][first slideSeq u32][count u16 >= 1]*` (at most MAX_NACK_SEQS seqs in all).
 * SUMMARY, sent down a source's tree by its SCX and relayed, `[type u8 = 0x53 'S'][sourceScx u8 len + UTF-8]`
 * `[entry count u16, 1..MAX_SUMMARY_ENTRIES]([presentation u8 len + UTF-8][slide u16][highest slideSeq u32 >= 1])*`.
 * A link's interest aggregate travels as client interests (interest.ts, type 0x49), one per presentation. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';
import { readRanges, toRanges, writeRanges, type SeqRange } from '../../reliable/nack.ts';
import { MAX_PRESENTATION_BYTES } from './adu.ts';

/** The type byte of a NACK: 'N'. */
export const ADU_NACK_TYPE = 0x4e;

/** The type byte of an UNAVAILABLE: 'U'. */
export const ADU_UNAVAILABLE_TYPE = 0x55;

/** The type byte of a SUMMARY: 'S'. */
export const SUMMARY_TYPE = 0x53;

/** Entries in one SUMMARY, at most (more slides go in more messages). */
export const MAX_SUMMARY_ENTRIES = 512;

/** The type byte of a range message. */
export type AduRangeType = typeof ADU_NACK_TYPE | typeof ADU_UNAVAILABLE_TYPE;

/** A NACK or UNAVAILABLE: fragments of one slide of one source. */
export interface SlideRanges {
  /** The source SCX, 1..255 UTF-8 bytes. */
  readonly source: string;
  /** 1..64 UTF-8 bytes. */
  readonly presentation: string;
  /** u16. */
  readonly slide: number;
  /** 1..64 ranges of slideSeqs, at most MAX_NACK_SEQS seqs in all. */
  readonly ranges: readonly SeqRange[];
}

/** One slide's highest reliable slideSeq. */
export interface SummaryEntry {
  readonly presentation: string;
  readonly slide: number;
  /** u32 >= 1. */
  readonly highest: number;
}

/** A SUMMARY of one source's slides. */
export interface Summary {
  readonly source: string;
  /** 1..MAX_SUMMARY_ENTRIES entries. */
  readonly entries: readonly SummaryEntry[];
}

function writePresentation(w: ByteWriter, presentation: string): void {
  if (w.shortString(presentation, 1) > MAX_PRESENTATION_BYTES) throw new RangeError(`presentation over ${MAX_PRESENTATION_BYTES} bytes`);
}

function readPresentation(r: ByteReader): string {
  const at = r.offset;
  const p = r.shortString('presentation', 1);
  if (r.offset - at - 1 > MAX_PRESENTATION_BYTES) throw new DecodeError(WireCode.OVERSIZE, `presentation at offset ${at} over ${MAX_PRESENTATION_BYTES} bytes`);
  return p;
}

/** Encodes a NACK (or UNAVAILABLE); throws a RangeError on what cannot be encoded. */
export function encodeSlideRanges(m: SlideRanges, type: AduRangeType = ADU_NACK_TYPE): Uint8Array {
  const w = new ByteWriter(64 + 6 * m.ranges.length);
  w.u8(type);
  w.shortString(m.source, 1);
  writePresentation(w, m.presentation);
  w.u16(m.slide);
  writeRanges(w, m.ranges);
  return w.finish();
}

/** Decodes a NACK (or, with `type`, an UNAVAILABLE). Never throws. */
export function decodeSlideRanges(bytes: Uint8Array, type: AduRangeType = ADU_NACK_TYPE): Decoded<SlideRanges> {
  return decodeWith(bytes, (r) => {
    const t = r.u8();
    if (t !== type) throw new DecodeError(WireCode.UNKNOWN_TYPE, `adu control: type 0x${t.toString(16)}, not 0x${type.toString(16)}`);
    const source = r.shortString('source', 1);
    const presentation = readPresentation(r);
    const slide = r.u16();
    const ranges = readRanges(r);
    r.end('NACK');
    return { source, presentation, slide, ranges };
  });
}

/** Encodes a SUMMARY; throws a RangeError on what cannot be encoded. */
export function encodeSummary(s: Summary): Uint8Array {
  if (s.entries.length === 0 || s.entries.length > MAX_SUMMARY_ENTRIES) throw new RangeError(`a SUMMARY holds 1..${MAX_SUMMARY_ENTRIES} entries`);
  const w = new ByteWriter(64 + 24 * s.entries.length);
  w.u8(SUMMARY_TYPE);
  w.shortString(s.source, 1);
  w.u16(s.entries.length);
  for (const e of s.entries) {
    if (!(e.highest >= 1)) throw new RangeError(`highest slideSeq ${e.highest} is not 1..2^32-1`);
    writePresentation(w, e.presentation);
    w.u16(e.slide);
    w.u32(e.highest);
  }
  return w.finish();
}

/** Decodes a SUMMARY. Never throws. */
export function decodeSummary(bytes: Uint8Array): Decoded<Summary> {
  return decodeWith(bytes, (r) => {
    const t = r.u8();
    if (t !== SUMMARY_TYPE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `adu control: type 0x${t.toString(16)}, not a SUMMARY`);
    const source = r.shortString('source', 1);
    const at = r.offset;
    const n = r.u16();
    if (n === 0) throw new DecodeError(WireCode.RANGE, `SUMMARY at offset ${at} has no entries`);
    if (n > MAX_SUMMARY_ENTRIES) throw new DecodeError(WireCode.OVERSIZE, `SUMMARY at offset ${at}: ${n} entries exceed ${MAX_SUMMARY_ENTRIES}`);
    const entries: SummaryEntry[] = [];
    for (let i = 0; i < n; i++) {
      const presentation = readPresentation(r);
      const slide = r.u16();
      const highest = r.u32();
      if (highest === 0) throw new DecodeError(WireCode.RANGE, `SUMMARY entry at offset ${r.offset - 4}: highest slideSeq 0`);
      entries.push({ presentation, slide, highest });
    }
    r.end('SUMMARY');
    return { source, entries };
  });
}

/** The slideSeqs the ranges name, in order. */
export function seqsOf(ranges: readonly SeqRange[]): number[] {
  return ranges.flatMap(({ first, count }) => Array.from({ length: count }, (_, k) => first + k));
}

/** `seqs` of the slide of `m` (its ranges ignored) as NACKs (or UNAVAILABLEs), in as many messages as the bounds need. */
export function rangeMessages(m: SlideRanges, seqs: number[], type: AduRangeType): Uint8Array[] {
  return toRanges([...seqs].sort((a, b) => a - b)).map((ranges) => encodeSlideRanges({ ...m, ranges }, type));
}
