/**
 * The reliable module's own wire formats besides the NACK: the SPM (source path message), the UNAVAILABLE
 * answer (the NACK's layout, type 18) and the loss report clients get in the stream. Decoders never throw.
 */

import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../src/core/decoded.ts';
import { decodeLossReport, encodeLossReport, isLossReport, LOSS_SOURCE, type LossReport } from '../../../src/services/reliable/loss-report.ts';
import { decodeNack, encodeNack, NACK_TYPE, UNAVAILABLE_TYPE, type Nack } from '../../../src/services/reliable/nack.ts';
import { decodeSpm, encodeSpm, type Spm } from '../../../src/services/reliable/spm.ts';
import { encodeDataPacket, payloadOf } from '../../../src/session/data-header.ts';
import { assertRefused, decodedValue, describeWireFormat, fcSeed, textArb, unhex } from '../../support/wire.ts';

const SEED = fcSeed('spm.test', 0x5b17);

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const spmArb: fc.Arbitrary<Spm> = fc.record({ source: textArb(1, 63), lead: u32, trail: u32 }, { noNullPrototype: true });

describeWireFormat("the reliable module's SPM", {
  decode: decodeSpm,
  encode: encodeSpm,
  golden: [
    [{ source: 's0', lead: 1499, trail: 476 }, '11 027330 000005db 000001dc'],
    ['an opening SPM (lead one before trail, wrapping)', { source: 'A', lead: 0xffffffff, trail: 0 }, '11 0141 ffffffff 00000000'],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['a NACK is no SPM', '10 0141 01 00000001 0001', WireCode.UNKNOWN_TYPE],
    ['empty source', '11 00 00000001 00000000', WireCode.RANGE],
    ['invalid UTF-8 source', '11 02 fffe 00000001 00000000', WireCode.UTF8],
    ['no trail', '11 0141 00000001', WireCode.TRUNCATED],
    ['a byte after the trail', '11 0141 00000001 00000000 00', WireCode.TRAILING],
  ],
  arbitrary: spmArb,
  seed: SEED,
  value: 'SPM',
  packets: 'messages',
  extra: () => {
    it('refuses to encode what it could not decode', () => {
      assert.throws(() => encodeSpm({ source: '', lead: 1, trail: 1 }), RangeError);
      assert.throws(() => encodeSpm({ source: 'x'.repeat(256), lead: 1, trail: 1 }), RangeError);
      assert.throws(() => encodeSpm({ source: 's', lead: -1, trail: 1 }), RangeError);
      assert.throws(() => encodeSpm({ source: 's', lead: 1, trail: 2 ** 32 }), RangeError);
    });
  },
});

const rangeArb = fc.record({ first: u32, count: fc.integer({ min: 1, max: 64 }) }, { noNullPrototype: true });
const unavailableArb: fc.Arbitrary<Nack> = fc.record({ source: textArb(1, 63), ranges: fc.array(rangeArb, { minLength: 1, maxLength: 8 }) }, { noNullPrototype: true });

describeWireFormat("the reliable module's UNAVAILABLE", {
  decode: (b) => decodeNack(b, UNAVAILABLE_TYPE),
  encode: (n) => encodeNack(n.source, n.ranges, UNAVAILABLE_TYPE),
  golden: [[{ source: 'src', ranges: [{ first: 1, count: 2 }] }, '12 03737263 01 00000001 0002']],
  malformed: [
    ['a NACK is no UNAVAILABLE', '10 03737263 01 00000001 0002', WireCode.UNKNOWN_TYPE],
    ['an SPM is no UNAVAILABLE', '11 0141 00000001 00000000', WireCode.UNKNOWN_TYPE],
    ['no ranges', '12 0141 00', WireCode.RANGE],
  ],
  arbitrary: unavailableArb,
  seed: SEED,
  value: 'UNAVAILABLE',
  packets: 'messages',
  extra: () => {
    it('is no NACK either', () => {
      assertRefused(decodeNack(unhex('12 03737263 01 00000001 0002'), NACK_TYPE), WireCode.UNKNOWN_TYPE);
    });
  },
});

const stamp = { sessionId: new Uint8Array(16).fill(7), channel: 3, now: 1234.5 };
const lossArb: fc.Arbitrary<LossReport> = fc.record(
  {
    sourceScx: textArb(1, 63),
    first: u32,
    count: fc.integer({ min: 1, max: 0xffffffff }),
    reason: fc.constantFrom('retries', 'unavailable', 'overflow', 'jump'),
  },
  { noNullPrototype: true },
);

it('a loss report round-trips through a data packet of the same channel, recognised by its reserved source', () => {
  fc.assert(
    fc.property(lossArb, (loss) => {
      const p = encodeLossReport(loss, stamp);
      assert.ok(isLossReport(p));
      assert.equal(p.header.source, LOSS_SOURCE);
      assert.equal(p.header.seq, loss.first);
      assert.equal(p.header.channel, 3);
      assert.deepEqual(decodedValue(decodeLossReport(p)), loss);
    }),
    { seed: SEED },
  );
  const p = encodeLossReport({ sourceScx: 's0', first: 10, count: 3, reason: 'unavailable' }, { ...stamp, sessionId: undefined });
  assert.deepEqual([...p.header.sessionId], new Array(16).fill(0), 'an unknown session id is zeros');
  assert.deepEqual([...payloadOf(p)], [1, 0, 0, 0, 3], '[reason u8 = 1 (unavailable)][count u32]');
  assert.throws(() => encodeLossReport({ sourceScx: 's0', first: 1, count: 0, reason: 'retries' }, stamp), RangeError);
});

it('a malformed loss report payload is refused, never thrown', () => {
  const header = { sessionId: new Uint8Array(16), channel: 1, seq: 5, timestampMs: 0, source: LOSS_SOURCE, sourceScx: 's0' };
  const cases: [string, string][] = [
    ['', WireCode.TRUNCATED],
    ['00 000000', WireCode.TRUNCATED],
    ['04 00000001', WireCode.RANGE],
    ['00 00000000', WireCode.RANGE],
    ['00 00000001 00', WireCode.TRAILING],
  ];
  for (const [payload, code] of cases) assertRefused(decodeLossReport(encodeDataPacket(header, unhex(payload))), code);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 16 }), (payload) => void decodeLossReport(encodeDataPacket(header, payload))),
    { seed: SEED },
  );
  const data = encodeDataPacket({ ...header, source: 'client@s0' }, new Uint8Array(5));
  assert.equal(isLossReport(data), false);
});
