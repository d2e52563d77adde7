/**
 * The forward module's one control message: RELEASE(source), sent by a downstream SCX to its previous upstream
 * once the new upstream delivers, so the previous one stops sending (make-before-break).
 * Layout: `[type u8 = 1][sourceScx UTF-8, 1..255 bytes, to the end]`. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, utf8Length, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';

const RELEASE = 1;

/** Most bytes of a source SCX id (as in every other format). */
const MAX_SOURCE_BYTES = 255;

/** Encodes RELEASE(source). Throws RangeError on a source of 0 or over 255 UTF-8 bytes, or a lone surrogate. */
export function encodeRelease(source: string): Uint8Array {
  const len = utf8Length(source);
  if (len === 0 || len > MAX_SOURCE_BYTES) throw new RangeError(`RELEASE source of ${len} bytes, not 1..${MAX_SOURCE_BYTES}`);
  const w = new ByteWriter(1 + len);
  w.u8(RELEASE);
  w.utf8(source);
  return w.finish();
}

function readRelease(r: ByteReader): string {
  if (r.remaining > 1 + MAX_SOURCE_BYTES) throw new DecodeError(WireCode.OVERSIZE, `${r.remaining} bytes exceed limit ${1 + MAX_SOURCE_BYTES}`);
  const type = r.u8();
  if (type !== RELEASE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown forward control type ${type}`);
  if (r.remaining === 0) throw new DecodeError(WireCode.TRUNCATED, 'truncated: RELEASE without a source');
  return r.utf8(r.remaining, 'source');
}

/** The source a RELEASE names. Never throws. */
export function decodeRelease(data: Uint8Array): Decoded<string> {
  return decodeWith(data, readRelease);
}
