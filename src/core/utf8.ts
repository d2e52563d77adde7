/** UTF-8 for the wire codecs: exact byte lengths, and strict decoding that refuses invalid input with a DecodeError. */

import { DecodeError, WireCode } from './decoded.ts';

/** Strict decoder: rejects invalid UTF-8 (overlong forms, surrogates, truncated sequences) and keeps a leading BOM. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** ASCII strings at most this long are built by hand; longer ones go through the TextDecoder. */
const SMALL_ASCII = 12;

/** UTF-8 byte length of `s`; throws a RangeError on a lone surrogate. */
export function utf8Length(s: string): number {
  let len = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) len += 1;
    else if (c < 0x800) len += 2;
    else if (c < 0xd800 || c >= 0xe000) len += 3;
    else {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c >= 0xdc00 || d < 0xdc00 || d >= 0xe000) throw new RangeError(`lone surrogate at index ${i}`);
      i++;
      len += 4;
    }
  }
  return len;
}

/**
 * The text of `bytes`, which must be valid UTF-8 (else a DecodeError naming `what` at `offset`).
 * Short ASCII is built by hand; the rest goes through a strict TextDecoder.
 */
export function utf8Text(bytes: Uint8Array, what: string, offset: number): string {
  const len = bytes.length;
  if (len <= SMALL_ASCII) {
    let s = '';
    for (let i = 0; i < len; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return utf8Strict(bytes, what, offset);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return utf8Strict(bytes, what, offset);
}

function utf8Strict(bytes: Uint8Array, what: string, offset: number): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new DecodeError(WireCode.UTF8, `${what} at offset ${offset}: invalid UTF-8`);
  }
}

/** `s` cut to at most `maxBytes` bytes of UTF-8, at a character boundary (lone surrogates become U+FFFD). */
export function truncateUtf8(s: string, maxBytes: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
