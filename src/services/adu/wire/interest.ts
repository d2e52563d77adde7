/**
 * A local client's interest (paper 6.6.2), sent to its SCX's module as client control:
 * `[type u8 = 0x49 'I'][presentation u8 len + UTF-8, 1..64][count u16][slide u16]*`, the slides strictly increasing
 * (so one interest has one encoding). Listed slides are high interest, the others low. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../../core/bytes.ts';
import { WireCode, type Decoded } from '../../../core/decoded.ts';
import { MAX_PRESENTATION_BYTES } from './adu.ts';

/** The type byte of a client interest: 'I'. */
export const INTEREST_TYPE = 0x49;

/** Slides one interest lists, at most. */
export const MAX_INTEREST_SLIDES = 256;

/** A client's high-interest slides of one presentation (binary interest, paper 6.6.2): listed = high, others low. Empty = none. */
export interface ClientInterest {
  /** The presentation's name, 1..64 UTF-8 bytes. */
  readonly presentation: string;
  /** Slides 0..65535; the encoder sorts and deduplicates, the decoder returns them strictly increasing. */
  readonly slides: readonly number[];
}

/** Encodes `i` (its slides sorted, duplicates dropped); throws a RangeError on a slide out of range, too many, or a bad name. */
export function encodeClientInterest(i: ClientInterest): Uint8Array {
  const slides = [...new Set(i.slides)].sort((a, b) => a - b);
  if (slides.length > MAX_INTEREST_SLIDES) throw new RangeError(`interest in ${slides.length} slides exceeds ${MAX_INTEREST_SLIDES}`);
  const w = new ByteWriter(4 + MAX_PRESENTATION_BYTES + 2 * slides.length);
  w.u8(INTEREST_TYPE);
  if (w.shortString(i.presentation, 1) > MAX_PRESENTATION_BYTES) throw new RangeError(`presentation over ${MAX_PRESENTATION_BYTES} bytes`);
  w.u16(slides.length);
  for (const s of slides) w.u16(s);
  return w.finish();
}

/** Decodes a client interest. Never throws: a refusal says what was wrong and where. */
export function decodeClientInterest(bytes: Uint8Array): Decoded<ClientInterest> {
  return decodeWith(bytes, readInterest);
}

function readInterest(r: ByteReader): ClientInterest {
  const type = r.u8();
  if (type !== INTEREST_TYPE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `interest: type 0x${type.toString(16)} at offset 0, not 0x49`);
  const presentation = r.shortString('presentation', 1);
  if (r.offset - 2 > MAX_PRESENTATION_BYTES) throw new DecodeError(WireCode.OVERSIZE, `interest: presentation at offset 1 over ${MAX_PRESENTATION_BYTES} bytes`);
  const at = r.offset;
  const count = r.u16();
  if (count > MAX_INTEREST_SLIDES) throw new DecodeError(WireCode.OVERSIZE, `interest: ${count} slides at offset ${at} exceed ${MAX_INTEREST_SLIDES}`);
  if (r.remaining < 2 * count) throw new DecodeError(WireCode.TRUNCATED, `interest: ${count} slides at offset ${at}, ${r.remaining} bytes left`);
  const slides: number[] = [];
  for (let k = 0; k < count; k++) {
    const s = r.u16();
    if (k > 0 && s <= slides[k - 1]!) throw new DecodeError(WireCode.RANGE, `interest: slide ${s} at offset ${r.offset - 2} not above the one before`);
    slides.push(s);
  }
  r.end('interest');
  return { presentation, slides };
}
