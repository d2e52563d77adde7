/**
 * Byte-level building blocks for the hand-written wire codec.
 *
 * Conventions: fixed-width integers and f64 are big-endian (network order); `varuint` is unsigned
 * LEB128 of at most 8 bytes (values 0..2^53-1) and the reader accepts only its minimal form; `bool`
 * is one byte, 0 or 1, nothing else; `string` is a varuint byte length followed by UTF-8.
 * Together these make every value's encoding canonical: one value, one byte string. Fixed-layout formats
 * also use `raw` bytes (no length) and `shortString` (a u8 byte length, then UTF-8). See docs/wire.md.
 */

import { DecodeError, ok, refused, WireCode, type Decoded } from './decoded.ts';
import { utf8Length, utf8Text } from './utf8.ts';

export { DecodeError } from './decoded.ts';
export { utf8Length, utf8Text } from './utf8.ts';

/**
 * Runs `read` over `bytes` and returns its value, or the refusal it threw. Never throws: a DecodeError
 * becomes its code, anything else (a bug) ERR_WIRE_INTERNAL. `read` checks the end itself (`r.end()`).
 */
export function decodeWith<T>(bytes: Uint8Array, read: (r: ByteReader) => T): Decoded<T> {
  if (!(bytes instanceof Uint8Array)) return refused(WireCode.NOT_BYTES, 'input is not a Uint8Array');
  try {
    return ok(read(new ByteReader(bytes)));
  } catch (err) {
    if (err instanceof DecodeError) return refused(err.code, err.reason);
    return refused(WireCode.INTERNAL, `undecodable: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
}

/** Largest value `varuint` carries: 2^53-1, the largest integer a double holds exactly. */
export const MAX_VARUINT = Number.MAX_SAFE_INTEGER;

// Scratch space to move doubles in and out of bytes without a DataView per buffer.
const f64Scratch = new Float64Array(1);
const f64Bytes = new Uint8Array(f64Scratch.buffer);
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A growable byte buffer. Reuse one across messages with `reset()`. */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Forgets everything written; keeps the buffer for the next message. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written so far (the writer keeps its own buffer). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  u8(v: number): void {
    if ((v & 0xff) !== v) throw new RangeError(`u8 out of range: ${v}`);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    if ((v & 0xffff) !== v) throw new RangeError(`u16 out of range: ${v}`);
    this.ensure(2);
    const buf = this.buf;
    buf[this.pos] = v >>> 8;
    buf[this.pos + 1] = v & 0xff;
    this.pos += 2;
  }

  u32(v: number): void {
    if (v >>> 0 !== v) throw new RangeError(`u32 out of range: ${v}`);
    this.ensure(4);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = v >>> 24;
    buf[p + 1] = (v >>> 16) & 0xff;
    buf[p + 2] = (v >>> 8) & 0xff;
    buf[p + 3] = v & 0xff;
    this.pos = p + 4;
  }

  /** Unsigned LEB128, 1..8 bytes; `v` must be an integer in 0..2^53-1. */
  varuint(v: number): void {
    if (v >= 0 && v < 0x80 && (v | 0) === v) {
      this.ensure(1);
      this.buf[this.pos++] = v;
      return;
    }
    if (!Number.isInteger(v) || v < 0 || v > MAX_VARUINT) throw new RangeError(`varuint out of range: ${v}`);
    this.ensure(8);
    const buf = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      // `& 0x7f` goes through ToInt32, which keeps the low bits of any safe integer.
      buf[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** IEEE 754 binary64, big-endian, every bit kept (NaN payloads and -0 included). */
  f64(v: number): void {
    this.ensure(8);
    f64Scratch[0] = v;
    const buf = this.buf;
    const p = this.pos;
    if (littleEndianHost) {
      for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[7 - i]!;
    } else {
      for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[i]!;
    }
    this.pos = p + 8;
  }

  /** An f64 that must be finite and non-negative (-0 included), else a RangeError: times and costs. */
  nonNegative(v: number): void {
    if (!(v >= 0) || v === Infinity) throw new RangeError(`${v} is not a finite non-negative number`);
    this.f64(v);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  /** The bytes as they are, no length; with `size`, throws a RangeError unless there are exactly that many. */
  raw(b: Uint8Array, size?: number): void {
    if (size !== undefined && b.length !== size) throw new RangeError(`${b.length} bytes where ${size} are required`);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A varuint length, then the raw bytes. */
  bytes(b: Uint8Array): void {
    this.varuint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * A varuint UTF-8 byte length, then the UTF-8 bytes. Returns the byte length.
   * Throws a RangeError on a lone surrogate, which has no UTF-8 form (a TextEncoder would silently
   * replace it with U+FFFD and the string would not survive the round trip). After a throw the
   * writer's content is unspecified: reset() it.
   */
  string(s: string): number {
    const n = s.length;
    if (n * 3 <= 0x7f) {
      // At most 3 bytes per UTF-16 unit, so the length fits one varuint byte: write it afterwards.
      this.ensure(1 + n * 3);
      const lenPos = this.pos++;
      const len = this.putUtf8(s);
      this.buf[lenPos] = len;
      return len;
    }
    const len = utf8Length(s);
    this.varuint(len);
    this.ensure(len);
    this.putUtf8(s);
    return len;
  }

  /** A u8 UTF-8 byte length (`minBytes`..255, else a RangeError), then the UTF-8 bytes. Returns the byte length. */
  shortString(s: string, minBytes = 0): number {
    const len = utf8Length(s);
    if (len < minBytes || len > 0xff) throw new RangeError(`short string of ${len} UTF-8 bytes, not ${minBytes}..255`);
    this.u8(len);
    this.utf8(s);
    return len;
  }

  /** The UTF-8 bytes of `s`, no length. Returns the byte length; throws a RangeError on a lone surrogate. */
  utf8(s: string): number {
    this.ensure(s.length * 3);
    return this.putUtf8(s);
  }

  /** Writes `s` as UTF-8 at the current position; the caller has ensured room for its UTF-8 bytes. */
  private putUtf8(s: string): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c >= 0xe000) {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c >= 0xdc00 || d < 0xdc00 || d >= 0xe000) throw new RangeError(`lone surrogate at index ${i}`);
        i++;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
      }
    }
    this.pos = p;
    return p - start;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}

/** Reads what a ByteWriter wrote. Every read checks bounds and throws a DecodeError on bad input. */
export class ByteReader {
  private readonly buf: Uint8Array;
  private pos = 0;

  /** Reads `bytes` in place (no copy); any byteOffset into a larger buffer is fine. */
  constructor(bytes: Uint8Array) {
    this.buf = bytes;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw this.truncated('u8', 1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    if (this.buf.length - this.pos < 2) throw this.truncated('u16', 2);
    const buf = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (buf[p]! << 8) | buf[p + 1]!;
  }

  u32(): number {
    if (this.buf.length - this.pos < 4) throw this.truncated('u32', 4);
    const buf = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
  }

  /** Unsigned LEB128 in its minimal form, at most 2^53-1. */
  varuint(): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    if (p >= buf.length) throw this.truncated('varuint', 1);
    let b = buf[p++]!;
    if (b < 0x80) {
      this.pos = p;
      return b;
    }
    let value = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; ; i++) {
      if (p >= buf.length) throw this.truncated('varuint', p - start + 1);
      b = buf[p++]!;
      // The 8th byte carries bits 49..55: only 49..52 are allowed, and it must be the last.
      if (i === 7 && b > 0x0f) throw new DecodeError(WireCode.RANGE, `varuint at offset ${start} exceeds 2^53-1`);
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0) throw new DecodeError(WireCode.NONCANONICAL, `varuint at offset ${start} is not minimally encoded`);
        this.pos = p;
        return value;
      }
      scale *= 0x80;
    }
  }

  /** IEEE 754 binary64, big-endian. Any bit pattern is returned as is: range checks are the caller's. */
  f64(): number {
    if (this.buf.length - this.pos < 8) throw this.truncated('f64', 8);
    const buf = this.buf;
    const p = this.pos;
    if (littleEndianHost) {
      for (let i = 0; i < 8; i++) f64Bytes[7 - i] = buf[p + i]!;
    } else {
      for (let i = 0; i < 8; i++) f64Bytes[i] = buf[p + i]!;
    }
    this.pos = p + 8;
    return f64Scratch[0]!;
  }

  /** An f64 that must be finite and non-negative (-0 included): times and costs. */
  nonNegative(what: string): number {
    const start = this.pos;
    const v = this.f64();
    if (!(v >= 0) || v === Infinity) {
      throw new DecodeError(WireCode.RANGE, `${what} at offset ${start} is ${v}, not a finite non-negative number`);
    }
    return v;
  }

  /** One byte, 0 (false) or 1 (true); any other value is rejected. */
  bool(): boolean {
    if (this.pos >= this.buf.length) throw this.truncated('bool', 1);
    const b = this.buf[this.pos]!;
    if (b > 1) throw new DecodeError(WireCode.RANGE, `bool at offset ${this.pos} is ${b}, not 0 or 1`);
    this.pos++;
    return b === 1;
  }

  /** The next `n` raw bytes as a view (no copy: a Buffer's view is a Buffer); copy what outlives the input. */
  view(n: number, what = 'bytes'): Uint8Array {
    if (this.buf.length - this.pos < n) throw this.truncated(what, n);
    const from = this.pos;
    this.pos += n;
    return this.buf.subarray(from, this.pos);
  }

  /** Every byte not read yet, as a view. */
  rest(): Uint8Array {
    return this.view(this.remaining);
  }

  /** Refuses bytes left over after a complete message. */
  end(what = 'message'): void {
    if (this.pos !== this.buf.length) {
      throw new DecodeError(WireCode.TRAILING, `${this.remaining} trailing bytes after the ${what} at offset ${this.pos}`);
    }
  }

  /** A varuint length (at most `maxBytes`) and that many raw bytes, copied out. */
  bytes(maxBytes: number, what = 'bytes'): Uint8Array {
    // An explicit copy: a Node Buffer's slice would be a view of the socket's memory (and a Buffer).
    return new Uint8Array(this.view(this.length(maxBytes, what), what));
  }

  /** A varuint byte length (at most `maxBytes`) and that many bytes of valid UTF-8. */
  string(maxBytes: number = MAX_VARUINT, what = 'string'): string {
    return this.utf8(this.length(maxBytes, what), what);
  }

  /** A u8 byte length (at least `minBytes`) and that many raw bytes, as a view. */
  shortBytes(what: string, minBytes = 0): Uint8Array {
    const start = this.pos;
    const len = this.u8();
    if (len < minBytes) throw new DecodeError(WireCode.RANGE, `${what} at offset ${start} is ${len} bytes, under ${minBytes}`);
    return this.view(len, what);
  }

  /** A u8 byte length (at least `minBytes`) and that many bytes of valid UTF-8. */
  shortString(what: string, minBytes = 0): string {
    const start = this.pos;
    return utf8Text(this.shortBytes(what, minBytes), what, start);
  }

  /** Exactly `n` bytes of valid UTF-8. */
  utf8(n: number, what = 'string'): string {
    const start = this.pos;
    return utf8Text(this.view(n, what), what, start);
  }

  /** A varuint length, refused past `maxBytes` before looking for the bytes. */
  private length(maxBytes: number, what: string): number {
    const start = this.pos;
    const len = this.varuint();
    if (len > maxBytes) throw new DecodeError(WireCode.OVERSIZE, `${what} at offset ${start}: ${len} bytes exceed limit ${maxBytes}`);
    return len;
  }

  private truncated(what: string, need: number): DecodeError {
    return new DecodeError(WireCode.TRUNCATED, `truncated: ${what} at offset ${this.pos} needs ${need} bytes, ${this.remaining} left`);
  }
}
