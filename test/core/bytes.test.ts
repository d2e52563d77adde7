import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { ByteReader, ByteWriter, DecodeError, MAX_VARUINT, utf8Length } from '../../src/core/bytes.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function written(fill: (w: ByteWriter) => void): string {
  const w = new ByteWriter(16);
  fill(w);
  return hex(w.finish());
}

function rejects(bytes: string, read: (r: ByteReader) => unknown, pattern: RegExp): void {
  const r = new ByteReader(unhex(bytes));
  assert.throws(
    () => read(r),
    (err: unknown) => err instanceof DecodeError && pattern.test(err.reason),
  );
}

describe('varuint', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 21 - 1, 'ffff7f'],
    [2 ** 21, '80808001'],
    [2 ** 31, '8080808008'],
    [2 ** 32 - 1, 'ffffffff0f'],
    [2 ** 32, '8080808010'],
    [2 ** 49 - 1, 'ffffffffffff7f'],
    [2 ** 49, '8080808080808001'],
    [MAX_VARUINT, 'ffffffffffffff0f'],
  ];

  it('encodes the boundaries as minimal LEB128 and reads them back', () => {
    for (const [value, bytes] of cases) {
      assert.equal(written((w) => w.varuint(value)), bytes, `encoding of ${value}`);
      const r = new ByteReader(unhex(bytes));
      assert.equal(r.varuint(), value, `decoding of ${bytes}`);
      assert.equal(r.remaining, 0);
    }
  });

  it('refuses to write negative, fractional, non-finite or unsafe values', () => {
    const w = new ByteWriter();
    for (const bad of [-1, -0.5, 0.5, 1.5, NaN, Infinity, -Infinity, MAX_VARUINT + 1, 2 ** 60]) {
      assert.throws(() => w.varuint(bad), RangeError, String(bad));
    }
  });

  it('rejects values past 2^53-1', () => {
    rejects('ffffffffffffff10', (r) => r.varuint(), /exceeds 2\^53-1/);
    rejects('ffffffffffffff8f01', (r) => r.varuint(), /exceeds 2\^53-1/);
    rejects('808080808080808001', (r) => r.varuint(), /exceeds 2\^53-1/);
  });

  it('rejects non-minimal encodings', () => {
    rejects('8000', (r) => r.varuint(), /not minimally encoded/);
    rejects('ff00', (r) => r.varuint(), /not minimally encoded/);
    rejects('8080808080808000', (r) => r.varuint(), /not minimally encoded/);
  });

  it('rejects truncation', () => {
    rejects('', (r) => r.varuint(), /truncated/);
    rejects('80', (r) => r.varuint(), /truncated/);
    rejects('ffffffffffffff', (r) => r.varuint(), /truncated/);
  });
});

describe('fixed-width integers', () => {
  it('writes big-endian and reads back', () => {
    assert.equal(written((w) => { w.u8(0); w.u8(255); }), '00ff');
    assert.equal(written((w) => { w.u16(0x0102); w.u16(0xffff); }), '0102ffff');
    assert.equal(written((w) => { w.u32(0xdeadbeef); w.u32(0); }), 'deadbeef00000000');
    const r = new ByteReader(unhex('ff 0102 deadbeef ffffffff'));
    assert.equal(r.u8(), 255);
    assert.equal(r.u16(), 0x0102);
    assert.equal(r.u32(), 0xdeadbeef);
    assert.equal(r.u32(), 0xffffffff);
    assert.equal(r.remaining, 0);
  });

  it('refuses out-of-range values', () => {
    const w = new ByteWriter();
    for (const bad of [-1, 256, 1.5, NaN]) assert.throws(() => w.u8(bad), RangeError);
    for (const bad of [-1, 65536, 1.5, NaN]) assert.throws(() => w.u16(bad), RangeError);
    for (const bad of [-1, 2 ** 32, 1.5, NaN, Infinity]) assert.throws(() => w.u32(bad), RangeError);
    assert.equal(w.length, 0);
  });

  it('checks bounds on every read', () => {
    rejects('', (r) => r.u8(), /truncated: u8/);
    rejects('01', (r) => r.u16(), /truncated: u16/);
    rejects('010203', (r) => r.u32(), /truncated: u32/);
    rejects('01020304050607', (r) => r.f64(), /truncated: f64/);
    rejects('', (r) => r.bool(), /truncated: bool/);
  });

  it('does not move past a failed read', () => {
    const r = new ByteReader(unhex('010203'));
    assert.throws(() => r.u32(), DecodeError);
    assert.equal(r.remaining, 3);
    assert.equal(r.u16(), 0x0102);
    assert.equal(r.offset, 2);
  });
});

describe('f64 and bool', () => {
  it('keeps every bit of a double, big-endian', () => {
    assert.equal(written((w) => w.f64(1.5)), '3ff8000000000000');
    assert.equal(written((w) => w.f64(-0)), '8000000000000000');
    for (const v of [0, -0, 0.1, Math.PI, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, 123.456789]) {
      const w = new ByteWriter();
      w.f64(v);
      assert.ok(Object.is(new ByteReader(w.finish()).f64(), v), String(v));
    }
  });

  it('reads bools strictly as 0 or 1', () => {
    assert.equal(written((w) => { w.bool(false); w.bool(true); }), '0001');
    const r = new ByteReader(unhex('0001'));
    assert.equal(r.bool(), false);
    assert.equal(r.bool(), true);
    rejects('02', (r) => r.bool(), /bool at offset 0 is 2/);
    rejects('ff', (r) => r.bool(), /not 0 or 1/);
  });
});

describe('strings', () => {
  it('writes a varuint byte length and UTF-8', () => {
    assert.equal(written((w) => w.string('')), '00');
    assert.equal(written((w) => w.string('s17')), '03733137');
    assert.equal(written((w) => w.string('é€😀')), '09c3a9e282acf09f9880');
  });

  it('round trips ASCII, non-ASCII, long strings and a leading BOM', () => {
    const samples = ['', 'a', '10.0.0.2:7000', 'é', '\u0000', '\uFEFFbom', 'x'.repeat(42), 'x'.repeat(43), 'y'.repeat(200), '😀'.repeat(100), 'ü'.repeat(64) + 'z'];
    for (const s of samples) {
      const w = new ByteWriter(16);
      const len = w.string(s);
      assert.equal(len, Buffer.byteLength(s, 'utf8'));
      assert.equal(len, utf8Length(s));
      const r = new ByteReader(w.finish());
      assert.equal(r.string(), s);
      assert.equal(r.remaining, 0);
    }
  });

  it('refuses lone surrogates', () => {
    for (const bad of ['\uD800', 'a\uDC00', '\uD800a', 'x'.repeat(50) + '\uDFFF']) {
      assert.throws(() => new ByteWriter().string(bad), RangeError);
      assert.throws(() => utf8Length(bad), RangeError);
    }
  });

  it('rejects invalid UTF-8', () => {
    const bad = ['01ff', '02c328', '02c080', '03eda080', '04f4908080', '01c3', '01 80', '03 f09f98'];
    for (const bytes of bad) rejects(bytes, (r) => r.string(), /invalid UTF-8/);
  });

  it('enforces the byte limit before reading', () => {
    rejects('05 6162636465', (r) => r.string(4, 'id'), /id at offset 0: 5 bytes exceed limit 4/);
    assert.equal(new ByteReader(unhex('04 61626364')).string(4), 'abcd');
  });

  it('rejects a length past the end', () => {
    rejects('05 61626364', (r) => r.string(), /truncated/);
    rejects('ffff03', (r) => r.string(), /truncated/);
  });
});

describe('raw bytes', () => {
  it('writes a varuint length and the bytes as they are', () => {
    assert.equal(written((w) => w.bytes(new Uint8Array(0))), '00');
    assert.equal(written((w) => w.bytes(Uint8Array.from([0, 0xff, 0x80]))), '0300ff80');
    assert.equal(written((w) => w.bytes(new Uint8Array(128).fill(7))), '8001' + '07'.repeat(128));
  });

  it('round trips empty, short, long and view inputs, copying out', () => {
    const backing = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    const samples = [new Uint8Array(0), Uint8Array.from([1]), backing.subarray(0, 127), backing.subarray(3, 131), backing, backing.subarray(290, 295)];
    const w = new ByteWriter(4);
    for (const b of samples) w.bytes(b);
    w.u8(0xee);
    const encoded = w.finish();
    const r = new ByteReader(encoded);
    for (const b of samples) {
      const out = r.bytes(4096);
      assert.deepEqual(out, Uint8Array.from(b));
      assert.notEqual(out.buffer, encoded.buffer, 'a copy, not a view of the input');
    }
    assert.equal(r.u8(), 0xee);
    assert.equal(r.remaining, 0);
  });

  it('enforces the byte limit before reading, inclusive', () => {
    assert.deepEqual(new ByteReader(unhex('04 01020304')).bytes(4), Uint8Array.from([1, 2, 3, 4]));
    assert.deepEqual(new ByteReader(unhex('00')).bytes(0), new Uint8Array(0));
    rejects('05 0102030405', (r) => r.bytes(4, 'digest'), /digest at offset 0: 5 bytes exceed limit 4/);
    rejects('01 ff', (r) => r.bytes(0), /bytes at offset 0: 1 bytes exceed limit 0/);
    // A huge length with nothing behind it is refused by the limit, without allocating.
    rejects('ffffffffffffff0f', (r) => r.bytes(4096, 'digest'), /digest .*exceed limit 4096/);
  });

  it('rejects truncation of the length or the bytes', () => {
    rejects('', (r) => r.bytes(10), /truncated: varuint/);
    rejects('80', (r) => r.bytes(10), /truncated: varuint/);
    rejects('05 01020304', (r) => r.bytes(10, 'digest'), /truncated: digest at offset 1 needs 5 bytes, 4 left/);
    rejects('8001 00', (r) => r.bytes(4096), /truncated: bytes/);
    rejects('8000', (r) => r.bytes(10), /not minimally encoded/);
  });

  // A Node Buffer's slice is a view: a digest decoded from a socket's Buffer must not alias it.
  it('copies out even when reading a Node Buffer', () => {
    const input = Buffer.from(unhex('03 010203'));
    const out = new ByteReader(input).bytes(10);
    input[1] = 0x99;
    assert.equal(out[0], 1);
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
  });
});

describe('ByteWriter', () => {
  it('grows past its initial capacity and keeps its content', () => {
    const w = new ByteWriter(1);
    for (let i = 0; i < 10_000; i++) w.u16(i);
    assert.equal(w.length, 20_000);
    const r = new ByteReader(w.finish());
    for (let i = 0; i < 10_000; i++) assert.equal(r.u16(), i);
  });

  it('hands out a copy and can be reset and reused', () => {
    const w = new ByteWriter();
    w.u8(1);
    const first = w.finish();
    w.reset();
    w.u8(2);
    assert.equal(hex(first), '01');
    assert.equal(hex(w.finish()), '02');
  });
});

describe('ByteReader', () => {
  it('reads a view into a larger buffer at its offset', () => {
    const backing = unhex('ffffff 0a 0102 ffff');
    const r = new ByteReader(backing.subarray(3, 6));
    assert.equal(r.remaining, 3);
    assert.equal(r.u8(), 10);
    assert.equal(r.u16(), 0x0102);
    assert.throws(() => r.u8(), DecodeError);
  });
});
