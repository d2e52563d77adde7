import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../src/core/decoded.ts';
import { decodeDataPacket, encodeDataPacket, payloadOf, seqDiff, type DataHeader } from '../../src/session/data-header.ts';
import { assertPrefixesTruncated, assertRefused, assertTotal, decodedValue, fcSeed, garbledArb, hex, textArb, unhex } from '../support/wire.ts';

const SEED = fcSeed('data-header.test', 20261126);

const ID_SEQ = unhex('000102030405060708090a0b0c0d0e0f');
const ID_AB = new Uint8Array(16).fill(0xab);

/** Pinned encodings (taken from the encoder before it moved onto core/bytes): header, payload, bytes. */
const GOLDEN: [string, DataHeader, string, string][] = [
  [
    'empty source and payload',
    { sessionId: ID_SEQ, channel: 1, seq: 2, timestampMs: 1.5, source: '', sourceScx: 's' },
    '',
    '01 000102030405060708090a0b0c0d0e0f 0001 00000002 3ff8000000000000 00 0173',
  ],
  [
    'typical',
    { sessionId: ID_AB, channel: 7, seq: 4_000_000_000, timestampMs: 1764115200123.25, source: 'c', sourceScx: '10.0.0.1:7400' },
    '010203',
    '01 abababababababababababababababab 0007 ee6b2800 4279abd75b87b400 0163 0d31302e302e302e313a37343030 010203',
  ],
  [
    'field limits, non-ASCII source',
    { sessionId: new Uint8Array(16).fill(0xff), channel: 0xffff, seq: 0xffffffff, timestampMs: 0, source: 'é', sourceScx: '[::1]:80' },
    'ff',
    '01 ffffffffffffffffffffffffffffffff ffff ffffffff 0000000000000000 02c3a9 085b3a3a315d3a3830 ff',
  ],
];

/** The header of the first golden, up to its timestamp, for building malformed packets. */
const FIXED = '01 000102030405060708090a0b0c0d0e0f 0001 00000002';

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['version 2', `02 ${FIXED.slice(3)} 3ff8000000000000 00 0173`, WireCode.VERSION],
  ['version 0', '00', WireCode.VERSION],
  ['source length past the end', `${FIXED} 3ff8000000000000 ff 6162`, WireCode.TRUNCATED],
  ['source SCX length past the end', `${FIXED} 3ff8000000000000 00 09 6162`, WireCode.TRUNCATED],
  ['empty source SCX', `${FIXED} 3ff8000000000000 00 00 0102`, WireCode.RANGE],
  ['NaN timestamp', `${FIXED} 7ff8000000000000 00 0173`, WireCode.RANGE],
  ['infinite timestamp', `${FIXED} 7ff0000000000000 00 0173`, WireCode.RANGE],
  ['negative timestamp', `${FIXED} bff0000000000000 00 0173`, WireCode.RANGE],
  ['invalid UTF-8 source', `${FIXED} 3ff8000000000000 01ff 0173`, WireCode.UTF8],
  ['invalid UTF-8 source SCX (overlong NUL)', `${FIXED} 3ff8000000000000 00 02c080`, WireCode.UTF8],
];

/** Header and payload of a decoded packet, in the shape of the GOLDEN table. */
function decodedParts(bytes: Uint8Array): [DataHeader, string] {
  const p = decodedValue(decodeDataPacket(bytes));
  return [{ ...p.header, sessionId: new Uint8Array(p.header.sessionId) }, hex(payloadOf(p))];
}

const reencode = (p: { header: DataHeader; bytes: Uint8Array; payloadOffset: number }): Uint8Array =>
  encodeDataPacket(p.header, p.bytes.subarray(p.payloadOffset)).bytes;

describe('the data packet header', () => {
  describe('golden bytes', () => {
    for (const [name, header, payload, bytes] of GOLDEN) {
      it(name, () => {
        const p = encodeDataPacket(header, unhex(payload));
        assert.equal(hex(p.bytes), bytes.replace(/\s+/g, ''));
        assert.equal(p.payloadOffset, p.bytes.length - payload.length / 2);
        assert.deepEqual(decodedParts(unhex(bytes)), [header, payload]);
      });
    }
  });

  describe('malformed packets are refused with their code', () => {
    for (const [name, bytes, code] of MALFORMED) it(name, () => assertRefused(decodeDataPacket(unhex(bytes)), code));

    it('every cut inside the header is truncated (what follows the header is payload)', () => {
      for (const [, header, , bytes] of GOLDEN) {
        const full = unhex(bytes);
        assertPrefixesTruncated(decodeDataPacket, full, encodeDataPacket(header, new Uint8Array(0)).bytes.length);
      }
    });
  });

  it(`round-trips any header and payload, byte for byte (fast-check seed ${SEED})`, () => {
    const headerArb = fc.record(
      {
        sessionId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        channel: fc.integer({ min: 0, max: 0xffff }),
        seq: fc.integer({ min: 0, max: 0xffffffff }),
        timestampMs: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
        source: textArb(0, 63),
        sourceScx: textArb(1, 63),
      },
      { noNullPrototype: true },
    );
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ maxLength: 64 }), (header, payload) => {
        const bytes = encodeDataPacket(header, payload).bytes;
        assert.deepEqual(decodedParts(bytes), [header, hex(payload)]);
        assert.equal(hex(reencode(decodedValue(decodeDataPacket(bytes)))), hex(bytes));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`never throws on garbled packets (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(garbledArb(GOLDEN.map(([, , , b]) => unhex(b))), (bytes) => assertTotal(decodeDataPacket, reencode, bytes)),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('decodes a view into a larger buffer; the session id is a view of the packet', () => {
    const bytes = unhex(GOLDEN[1]![3]);
    const backing = new Uint8Array(bytes.length + 8).fill(0xee);
    backing.set(bytes, 4);
    const p = decodedValue(decodeDataPacket(backing.subarray(4, 4 + bytes.length)));
    assert.equal(p.header.sourceScx, '10.0.0.1:7400');
    assert.equal(p.header.sessionId.buffer, backing.buffer);
  });

  it('refuses to encode what it could not decode', () => {
    const header = GOLDEN[1]![1];
    for (const bad of [
      { channel: 70000 },
      { seq: -1 },
      { sourceScx: '' },
      { source: 'x'.repeat(256) },
      { sourceScx: 'a\uD800' },
      { sessionId: new Uint8Array(15) },
      { timestampMs: NaN },
      { timestampMs: -1 },
    ]) {
      assert.throws(() => encodeDataPacket({ ...header, ...bad }, new Uint8Array(0)), RangeError, JSON.stringify(bad));
    }
  });

  it('compares sequence numbers across the u32 wrap', () => {
    assert.equal(seqDiff(1, 0xffffffff), 2);
    assert.equal(seqDiff(0xffffffff, 1), -2);
    assert.equal(seqDiff(5, 5), 0);
  });
});
