import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../src/core/decoded.ts';
import { decodeCongestion, encodeCongestion, MAX_NOTICE_RATE, type CongestionNotice } from '../../../src/services/pushback/notice.ts';
import { assertRefused, decodedValue, describeWireFormat, fcSeed, hex, textArb, unhex } from '../../support/wire.ts';

const SEED = fcSeed('notice.test', 0x5c32);

const GOLDEN: [CongestionNotice, string][] = [
  [{ source: 'src', rate: 3000 }, '20 00000bb8 737263'],
  [{ source: '10.0.0.1:7400', rate: 0 }, '20 00000000 31302e302e302e313a37343030'],
  [{ source: 'ü', rate: MAX_NOTICE_RATE }, '20 ffffffff c3bc'],
];

const encode = (n: CongestionNotice): Uint8Array => encodeCongestion(n.source, n.rate);

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['a RELEASE (type 1) is no CONGESTION', '01 737263', WireCode.UNKNOWN_TYPE],
  ["a NACK's type 16", '10 00000001 41', WireCode.UNKNOWN_TYPE],
  ['no source', '20 00000001', WireCode.TRUNCATED],
  ['a cut rate', '20 000001', WireCode.TRUNCATED],
  ['invalid UTF-8 source', '20 00000001 ff', WireCode.UTF8],
  ['a source of 256 bytes (261 in all)', `20 00000001 ${'41'.repeat(256)}`, WireCode.OVERSIZE],
];

const noticeArb: fc.Arbitrary<CongestionNotice> = fc.record(
  { source: textArb(1, 63), rate: fc.integer({ min: 0, max: MAX_NOTICE_RATE }) },
  { noNullPrototype: true },
);

describeWireFormat("the pushback module's CONGESTION", {
  decode: decodeCongestion,
  encode,
  golden: GOLDEN,
  malformed: MALFORMED,
  prefixes: { upTo: () => 6, title: "every prefix cut before the source's first byte is truncated (the source runs to the end)" },
  arbitrary: noticeArb,
  seed: SEED,
  value: 'notice',
  packets: 'messages',
  extra: () => {
    it('takes a source of 255 bytes; a byte after the source is more source (no trailing bytes)', () => {
      assert.equal(decodedValue(decodeCongestion(unhex(`20 00000001 ${'41'.repeat(255)}`))).source.length, 255);
      assert.equal(decodedValue(decodeCongestion(unhex('20 00000bb8 737263 00'))).source, 'src\0');
    });

    it('never sends a positive rate as 0 ("lifted"): under 1 byte/s is 1; rounds, clamps at 2^32-1', () => {
      const rate = (r: number): number => decodedValue(decodeCongestion(encodeCongestion('s', r))).rate;
      assert.equal(rate(0), 0);
      for (const tiny of [Number.MIN_VALUE, 1e-9, 0.3, 0.5, 0.99, 1.4]) assert.equal(rate(tiny), 1, String(tiny));
      assert.equal(rate(2.5), 3);
      assert.equal(rate(2 ** 33), MAX_NOTICE_RATE);
      assert.equal(rate(Infinity), MAX_NOTICE_RATE);
      assert.equal(hex(encodeCongestion('s', 0.2)), '200000000173');
    });

    it('refuses to encode a negative or NaN rate, or a source the decoder refuses', () => {
      for (const r of [-1, -0.1, -Infinity, NaN]) assert.throws(() => encodeCongestion('s', r), RangeError, String(r));
      assert.throws(() => encodeCongestion('', 1), RangeError);
      assert.throws(() => encodeCongestion('x'.repeat(256), 1), RangeError);
      assert.throws(() => encodeCongestion('\ud800', 1), RangeError);
    });

    it('refuses what is not bytes', () => assertRefused(decodeCongestion(null as unknown as Uint8Array), WireCode.NOT_BYTES));
  },
});
