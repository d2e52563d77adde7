import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import { decodeRtp, encodeRtp, isRtcp, type RtpPacket } from '../../../../src/services/rtp/wire/rtp-packet.ts';
import { assertPrefixesTruncated, assertRefused, decodedValue, fcSeed, garbledArb, hex, unhex } from '../../../support/wire.ts';
import { assertDecodesCanonically } from './canonical.ts';

const SEED = fcSeed('rtp-packet.test', 0x2790);

const rtp = (fields: Partial<RtpPacket>): RtpPacket => ({ payloadType: 14, marker: false, seq: 1, timestamp: 100, ssrc: 7, csrcs: [], payload: new Uint8Array(0), ...fields });

/** Canonical packets: encoded exactly so, and decoded back. */
const GOLDEN: [string, RtpPacket, string][] = [
  [
    'MPA, marker, no CSRC',
    rtp({ marker: true, seq: 0x1234, timestamp: 90000, ssrc: 0xdeadbeef, payload: unhex('00000000 fffb9064') }),
    '80 8e 1234 00015f90 deadbeef 00000000 fffb9064',
  ],
  ['two CSRCs, wrapping fields', rtp({ payloadType: 96, seq: 0xffff, timestamp: 0xffffffff, ssrc: 1, csrcs: [2, 3], payload: unhex('6162') }), '82 60 ffff ffffffff 00000001 00000002 00000003 6162'],
  ['empty payload', rtp({ seq: 0, timestamp: 0, ssrc: 0 }), '80 0e 0000 00000000 00000000'],
];

/** Accepted but not canonical: padding and header extensions are stripped; the packet re-encodes to `canonical`. */
const STRIPPED: [string, string, string][] = [
  ['padding', 'a0 0e 0001 00000064 00000007 0102 000003', '80 0e 0001 00000064 00000007 0102'],
  ['an extension', '90 0e 0001 00000064 00000007 bede 0001 11223344 0102', '80 0e 0001 00000064 00000007 0102'],
  ['a CSRC, an empty extension and padding', 'b1 0e 0001 00000064 00000007 00000009 1000 0000 aa 0002', '81 0e 0001 00000064 00000007 00000009 aa'],
  ['padding that is the whole payload', 'a0 0e 0001 00000064 00000007 00000004', '80 0e 0001 00000064 00000007'],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['version 1', '40 0e 0001 00000064 00000007', WireCode.VERSION],
  ['version 0', '00 0e 0001 00000064 00000007', WireCode.VERSION],
  ['version 3', 'c0 0e 0001 00000064 00000007', WireCode.VERSION],
  ['a CSRC announced, none there', '81 0e 0001 00000064 00000007', WireCode.TRUNCATED],
  ['an extension header cut', '90 0e 0001 00000064 00000007 be', WireCode.TRUNCATED],
  ['an extension longer than the packet', '90 0e 0001 00000064 00000007 bede 0002 11223344', WireCode.TRUNCATED],
  ['padding count 0', 'a0 0e 0001 00000064 00000007 0102 00', WireCode.RANGE],
  ['padding count past the payload', 'a0 0e 0001 00000064 00000007 0102 04', WireCode.RANGE],
  ['padding bit and nothing after the header', 'a0 0e 0001 00000064 00000007', WireCode.RANGE],
];

const packetArb: fc.Arbitrary<RtpPacket> = fc.record(
  {
    payloadType: fc.integer({ min: 0, max: 127 }),
    marker: fc.boolean(),
    seq: fc.integer({ min: 0, max: 0xffff }),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
    ssrc: fc.integer({ min: 0, max: 0xffffffff }),
    csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
    payload: fc.uint8Array({ maxLength: 64 }),
  },
  { noNullPrototype: true },
);

describe('RTP packet (RFC 3550 5.1)', () => {
  for (const [title, packet, bytes] of GOLDEN) {
    it(`golden: ${title}`, () => {
      assert.equal(hex(encodeRtp(packet)), bytes.replace(/\s+/g, ''));
      assert.deepEqual(decodedValue(decodeRtp(unhex(bytes))), packet);
    });
  }

  for (const [title, bytes, canonical] of STRIPPED) {
    it(`accepts and strips ${title}; re-encodes without`, () => {
      const packet = decodedValue(decodeRtp(unhex(bytes)));
      assert.equal(hex(encodeRtp(packet)), canonical.replace(/\s+/g, ''));
      assert.deepEqual(decodedValue(decodeRtp(unhex(canonical))), packet);
    });
  }

  for (const [title, bytes, code] of MALFORMED) it(`refuses ${title} (${code})`, () => assertRefused(decodeRtp(unhex(bytes)), code));

  it('refuses every cut inside the header and CSRC list (the payload runs to the end)', () => {
    for (const [, packet, bytes] of GOLDEN) assertPrefixesTruncated(decodeRtp, unhex(bytes), 12 + 4 * packet.csrcs.length);
  });

  it('decodes the payload as a plain Uint8Array view of the input, even from a Buffer', () => {
    const bytes = encodeRtp(GOLDEN[0]![1]);
    const payload = decodedValue(decodeRtp(bytes)).payload;
    assert.equal(Object.getPrototypeOf(payload), Uint8Array.prototype);
    assert.equal(payload.buffer, bytes.buffer);
  });

  it('refuses to encode what it could not decode', () => {
    assert.throws(() => encodeRtp(rtp({ payloadType: 128 })), RangeError);
    assert.throws(() => encodeRtp(rtp({ payloadType: -1 })), RangeError);
    assert.throws(() => encodeRtp(rtp({ seq: 0x10000 })), RangeError);
    assert.throws(() => encodeRtp(rtp({ timestamp: 2 ** 32 })), RangeError);
    assert.throws(() => encodeRtp(rtp({ ssrc: -1 })), RangeError);
    assert.throws(() => encodeRtp(rtp({ csrcs: new Array<number>(16).fill(1) })), RangeError);
  });

  it(`round-trips any packet, byte for byte (fast-check seed ${SEED})`, () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const bytes = encodeRtp(p);
        assert.deepEqual(decodedValue(decodeRtp(bytes)), p);
        assert.equal(bytes.length, 12 + 4 * p.csrcs.length + p.payload.length);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`never throws on garbled packets; what it takes re-encodes canonically (fast-check seed ${SEED})`, () => {
    const fixtures = [...GOLDEN.map(([, , b]) => unhex(b)), ...STRIPPED.map(([, b]) => unhex(b))];
    fc.assert(
      fc.property(garbledArb(fixtures), (bytes) => assertDecodesCanonically(decodeRtp, encodeRtp, bytes, (bytes[0] ?? 0) & 0x30 ? 'stripped' : 'exact')),
      { seed: SEED, numRuns: 3000 },
    );
  });
});

describe('RTP/RTCP demultiplexing (RFC 5761)', () => {
  it('takes a second byte of 192..223 for RTCP, and nothing else', () => {
    assert.equal(isRtcp(unhex('80c8')), true, 'SR');
    assert.equal(isRtcp(unhex('81c90007')), true, 'RR');
    assert.equal(isRtcp(unhex('80c0')), true, '192');
    assert.equal(isRtcp(unhex('80df')), true, '223');
    assert.equal(isRtcp(unhex('80bf')), false, '191');
    assert.equal(isRtcp(unhex('80e0')), false, '224');
    assert.equal(isRtcp(unhex('808e')), false, 'MPA with the marker');
    assert.equal(isRtcp(unhex('800e')), false, 'MPA');
    assert.equal(isRtcp(unhex('80')), false, 'one byte');
    assert.equal(isRtcp(new Uint8Array(0)), false, 'empty');
  });
});
