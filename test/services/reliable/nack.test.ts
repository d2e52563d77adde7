import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../src/core/decoded.ts';
import { decodeNack, encodeNack, MAX_NACK_RANGES, MAX_NACK_SEQS, type Nack } from '../../../src/services/reliable/nack.ts';
import { decodedValue, describeWireFormat, fcSeed, textArb, unhex } from '../../support/wire.ts';

const SEED = fcSeed('nack.test', 0x5cac);

/** Pinned encodings (taken from the encoder before it moved onto core/bytes). */
const GOLDEN: [Nack, string][] = [
  [{ source: 'src', ranges: [{ first: 1, count: 2 }] }, '10 03737263 01 00000001 0002'],
  [
    { source: '10.0.0.1:7400', ranges: [{ first: 0xffffffff, count: 3 }, { first: 7, count: MAX_NACK_SEQS - 3 }] },
    '10 0d31302e302e302e313a37343030 02 ffffffff 0003 00000007 0ffd',
  ],
];

const encode = (n: Nack): Uint8Array => encodeNack(n.source, n.ranges);

/** `n` ranges of `count` seqs each, from source 'A'. */
const ranges = (n: number, count: string) => `10 0141 ${n.toString(16).padStart(2, '0')} ${`00000001 ${count} `.repeat(n)}`;

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['a RELEASE (type 1) is no NACK', '01 73', WireCode.UNKNOWN_TYPE],
  ['type 99', '63 010203', WireCode.UNKNOWN_TYPE],
  ['empty source', '10 00 01 00000001 0001', WireCode.RANGE],
  ['source length past the end', '10 ff 4142', WireCode.TRUNCATED],
  ['invalid UTF-8 source', '10 02 fffe 01 00000001 0001', WireCode.UTF8],
  ['no ranges', '10 0141 00', WireCode.RANGE],
  ['more ranges than MAX_NACK_RANGES', ranges(MAX_NACK_RANGES + 1, '0001'), WireCode.OVERSIZE],
  ['an empty range', '10 0141 01 00000001 0000', WireCode.RANGE],
  ['more seqs than MAX_NACK_SEQS in all', '10 0141 02 00000001 ffff 00000001 ffff', WireCode.OVERSIZE],
  ['one seq past MAX_NACK_SEQS', '10 0141 02 00000001 0fff 00000001 0002', WireCode.OVERSIZE],
  ['fewer ranges than announced', '10 0141 02 00000001 0001', WireCode.TRUNCATED],
  ['a byte after the last range', '10 0141 01 00000001 0001 00', WireCode.TRAILING],
];

const rangeArb = fc.record({ first: fc.integer({ min: 0, max: 0xffffffff }), count: fc.integer({ min: 1, max: 64 }) }, { noNullPrototype: true });
const nackArb: fc.Arbitrary<Nack> = fc.record(
  { source: textArb(1, 63), ranges: fc.array(rangeArb, { minLength: 1, maxLength: MAX_NACK_RANGES }) },
  { noNullPrototype: true },
);

describeWireFormat("the reliable module's NACK", {
  decode: decodeNack,
  encode,
  golden: GOLDEN,
  malformed: MALFORMED,
  arbitrary: nackArb,
  seed: SEED,
  value: 'NACK',
  packets: 'messages',
  extra: () => {
    it('accepts the limits exactly', () => {
      assert.equal(decodedValue(decodeNack(unhex(ranges(MAX_NACK_RANGES, '0001')))).ranges.length, MAX_NACK_RANGES);
      assert.equal(decodedValue(decodeNack(unhex('10 0141 02 00000001 0fff 00000001 0001'))).ranges[1]?.count, 1);
    });

    it('refuses to encode what it could not decode', () => {
      const one = [{ first: 1, count: 1 }];
      assert.throws(() => encodeNack('', one), RangeError);
      assert.throws(() => encodeNack('x'.repeat(256), one), RangeError);
      assert.throws(() => encodeNack('s', []), RangeError);
      assert.throws(() => encodeNack('s', Array.from({ length: MAX_NACK_RANGES + 1 }, () => one[0]!)), RangeError);
      assert.throws(() => encodeNack('s', [{ first: 1, count: 0 }]), RangeError);
      assert.throws(() => encodeNack('s', [{ first: 1, count: MAX_NACK_SEQS + 1 }]), RangeError);
      assert.throws(() => encodeNack('s', [{ first: 1, count: MAX_NACK_SEQS }, { first: 9000, count: 1 }]), RangeError, 'over MAX_NACK_SEQS in all');
      assert.throws(() => encodeNack('s', [{ first: 1, count: NaN }]), RangeError);
      assert.equal(decodedValue(decodeNack(encodeNack('s', [{ first: 1, count: MAX_NACK_SEQS - 1 }, { first: 9000, count: 1 }]))).ranges.length, 2);
      assert.throws(() => encodeNack('s', [{ first: -1, count: 1 }]), RangeError);
    });
  },
});
