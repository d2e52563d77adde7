import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { ok, WireCode, type Decoded } from '../../src/core/decoded.ts';
import { decodeDataPacket, encodeDataPacket, payloadOf, seqDiff, type DataHeader } from '../../src/session/data-header.ts';
import { decodedValue, describeWireFormat, fcSeed, hex, textArb, unhex } from '../support/wire.ts';

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

/** A packet as the GOLDEN table has it: its header and its payload in hex. */
interface Parts {
  header: DataHeader;
  payload: string;
}

const encodeParts = ({ header, payload }: Parts): Uint8Array => encodeDataPacket(header, unhex(payload)).bytes;

/** Header and payload of a decoded packet (the session id copied out of the packet). */
function decodeParts(bytes: Uint8Array): Decoded<Parts> {
  const d = decodeDataPacket(bytes);
  if (!d.ok) return d;
  return ok({ header: { ...d.value.header, sessionId: new Uint8Array(d.value.header.sessionId) }, payload: hex(payloadOf(d.value)) });
}

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

describeWireFormat('the data packet header', {
  decode: decodeParts,
  encode: encodeParts,
  golden: GOLDEN.map(([name, header, payload, bytes]) => [name, { header, payload }, bytes] as const),
  malformed: MALFORMED,
  check: ({ header, payload }, bytes) => assert.equal(encodeDataPacket(header, unhex(payload)).payloadOffset, bytes.length - payload.length / 2),
  prefixes: {
    upTo: ({ header }) => encodeDataPacket(header, new Uint8Array(0)).bytes.length,
    title: 'every cut inside the header is truncated (what follows the header is payload)',
  },
  arbitrary: fc.tuple(headerArb, fc.uint8Array({ maxLength: 64 })).map(([header, payload]): Parts => ({ header, payload: hex(payload) })),
  seed: SEED,
  value: 'header and payload',
  extra: () => {
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
  },
});
