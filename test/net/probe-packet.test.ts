import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../src/core/decoded.ts';
import { decodeProbePacket, encodeProbePacket, ProbeType, type ProbePacket } from '../../src/net/probe-packet.ts';
import { describeWireFormat, fcSeed } from '../support/wire.ts';

const SEED = fcSeed('probe-packet.test', 0x5caa);

/** Pinned encodings (taken from UdpEndpoint.sendProbe before it moved onto core/bytes). */
const GOLDEN: [ProbePacket, string][] = [
  [{ type: ProbeType.PING, nonce: 1, sentMs: 1.5 }, '01 00000001 3ff8000000000000'],
  [{ type: ProbeType.ECHO, nonce: 0xffffffff, sentMs: 123456.789 }, '02 ffffffff 40fe240c9fbe76c9'],
  [{ type: ProbeType.PING, nonce: 0, sentMs: 0 }, '01 00000000 0000000000000000'],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['type 0', '00 00000001 3ff8000000000000', WireCode.UNKNOWN_TYPE],
  ['type 3', '03 00000001 3ff8000000000000', WireCode.UNKNOWN_TYPE],
  ['a DATA datagram (type 16) is no probe', '10 00000001 3ff8000000000000', WireCode.UNKNOWN_TYPE],
  ['one byte too many', '01 00000001 3ff8000000000000 00', WireCode.TRAILING],
  ['NaN sent time', '01 00000001 7ff8000000000000', WireCode.RANGE],
  ['infinite sent time', '02 00000001 7ff0000000000000', WireCode.RANGE],
  ['negative sent time', '01 00000001 bff0000000000000', WireCode.RANGE],
];

const packetArb: fc.Arbitrary<ProbePacket> = fc.record(
  {
    type: fc.constantFrom(ProbeType.PING, ProbeType.ECHO),
    nonce: fc.integer({ min: 0, max: 0xffffffff }),
    sentMs: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
  },
  { noNullPrototype: true },
);

describeWireFormat('probe packets (PING and ECHO)', {
  decode: decodeProbePacket,
  encode: encodeProbePacket,
  golden: GOLDEN,
  malformed: MALFORMED,
  check: (_, bytes) => assert.equal(bytes.length, 13),
  arbitrary: packetArb,
  seed: SEED,
  value: 'packet',
  extra: () => {
    it('refuses to encode a nonce outside u32 or a bad time', () => {
      for (const bad of [{ nonce: -1 }, { nonce: 2 ** 32 }, { sentMs: NaN }, { sentMs: -1 }, { sentMs: Infinity }]) {
        assert.throws(() => encodeProbePacket({ type: ProbeType.PING, nonce: 1, sentMs: 1, ...bad }), RangeError, JSON.stringify(bad));
      }
    });
  },
});
