/**
 * The reliable module's source path message, SPM(source, lead, trail) (after PGM's SPM): sent by the source SCX
 * down each source's tree when the source has been idle (heartbeats backing off) and before its first packet, and
 * passed on by every SCX to its downstream links. It tells receivers the highest seq sent (`lead`), so that the
 * loss of a stream's tail is found, and the lowest seq the source still repairs (`trail`).
 * Layout (big-endian): `[type u8 = 17][sourceScx len u8][sourceScx UTF-8][lead u32][trail u32]`; seqs wrap at
 * 2^32. A `lead` one before `trail` announces a source that has sent nothing yet. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';

/** The type byte of an SPM (16 is the NACK, 18 the UNAVAILABLE: nack.ts). */
export const SPM_TYPE = 17;

/** A decoded SPM. */
export interface Spm {
  /** The source SCX whose tree the SPM runs down. */
  readonly source: string;
  /** The highest sequence number the source SCX has sent. */
  readonly lead: number;
  /** The lowest sequence number the source SCX can still repair. */
  readonly trail: number;
}

/** One writer reused by every call: encoding is synchronous, and `finish()` hands out a copy. */
const writer = new ByteWriter(64);

/** Encodes an SPM; throws RangeError on a source of 0 or over 255 bytes or a seq outside u32. */
export function encodeSpm(spm: Spm): Uint8Array {
  const w = writer;
  w.reset();
  w.u8(SPM_TYPE);
  w.shortString(spm.source, 1);
  w.u32(spm.lead);
  w.u32(spm.trail);
  return w.finish();
}

function readSpm(r: ByteReader): Spm {
  const type = r.u8();
  if (type !== SPM_TYPE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `not an SPM: type ${type}`);
  const source = r.shortString('source', 1);
  const lead = r.u32();
  const trail = r.u32();
  r.end('SPM');
  return { source, lead, trail };
}

/** Decodes an SPM. Never throws: another type, bad lengths or bad UTF-8 are refused with their WireCode. */
export function decodeSpm(data: Uint8Array): Decoded<Spm> {
  return decodeWith(data, readSpm);
}
