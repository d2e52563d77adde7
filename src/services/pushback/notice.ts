/**
 * The pushback module's one message, CONGESTION(source, rate): "send me at most `rate` bytes/s of `source`'s data".
 * An SCX sends it to its upstream for a source whose branch below stays congested; the source SCX sends it to the
 * local sender client (client control path), where `rate` 0 means the limit is lifted.
 * Layout (big-endian): `[type u8 = 32][rate u32, bytes/s][sourceScx UTF-8, 1..255 bytes, to the end]`.
 * Types below 16 belong to the forward module run inside (1 is its RELEASE). See docs/service-modules.md.
 *
 * Rates: the encoder rounds to whole bytes/s, but a positive rate never becomes 0 ("lifted"): one under 1 byte/s is
 * sent as 1, the tightest limit there is; above 2^32-1 it is sent as 2^32-1. A negative or NaN rate is a RangeError.
 */

import { ByteWriter, decodeWith, DecodeError, utf8Length, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';

/** The type byte of CONGESTION. */
export const CONGESTION_TYPE = 32;

/** Most bytes of a source SCX id (as in every other format). */
const MAX_SOURCE_BYTES = 255;

/** Largest rate a notice carries, bytes/s (u32); higher rates are sent as this. */
export const MAX_NOTICE_RATE = 0xffff_ffff;

/** A decoded CONGESTION. */
export interface CongestionNotice {
  /** The source SCX whose data the notice is about. */
  readonly source: string;
  /** Bytes/s of the source's data the sender of the notice can take; 0: no limit any more. */
  readonly rate: number;
}

/**
 * Encodes CONGESTION(source, rate); `rate` in bytes/s, 0 to lift the limit, else rounded to 1..2^32-1 (a positive
 * rate is never sent as 0). Throws RangeError on a bad source or a negative or NaN rate.
 */
export function encodeCongestion(source: string, rate: number): Uint8Array {
  const len = utf8Length(source);
  if (len === 0 || len > MAX_SOURCE_BYTES) throw new RangeError(`CONGESTION source of ${len} bytes, not 1..${MAX_SOURCE_BYTES}`);
  if (!(rate >= 0)) throw new RangeError(`CONGESTION rate ${rate} is not a non-negative number`);
  const w = new ByteWriter(5 + len);
  w.u8(CONGESTION_TYPE);
  w.u32(rate === 0 ? 0 : Math.min(MAX_NOTICE_RATE, Math.max(1, Math.round(rate))));
  w.utf8(source);
  return w.finish();
}

function readCongestion(r: ByteReader): CongestionNotice {
  if (r.remaining > 5 + MAX_SOURCE_BYTES) throw new DecodeError(WireCode.OVERSIZE, `${r.remaining} bytes exceed limit ${5 + MAX_SOURCE_BYTES}`);
  const type = r.u8();
  if (type !== CONGESTION_TYPE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown pushback control type ${type}`);
  const rate = r.u32();
  if (r.remaining === 0) throw new DecodeError(WireCode.TRUNCATED, 'truncated: CONGESTION without a source');
  return { rate, source: r.utf8(r.remaining, 'source') };
}

/** The notice in `data`. Never throws. */
export function decodeCongestion(data: Uint8Array): Decoded<CongestionNotice> {
  return decodeWith(data, readCongestion);
}
