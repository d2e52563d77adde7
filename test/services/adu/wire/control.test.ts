import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  ADU_NACK_TYPE,
  ADU_UNAVAILABLE_TYPE,
  decodeSlideRanges,
  decodeSummary,
  encodeSlideRanges,
  encodeSummary,
  MAX_SUMMARY_ENTRIES,
  rangeMessages,
  seqsOf,
  type SlideRanges,
  type Summary,
} from '../../../../src/services/adu/wire/control.ts';
import { MAX_NACK_RANGES, MAX_NACK_SEQS } from '../../../../src/services/reliable/nack.ts';
import { decodedValue, describeWireFormat, fcSeed, textArb } from '../../../support/wire.ts';

const SEED = fcSeed('control.test', 0xc0de);

/** `[source 'S'][presentation 'talk'][slide 3]`, the head of every range message below but the edge cases. */
const HEAD = '01 53 04 74616c6b 0003';

const nameArb = (max: number): fc.Arbitrary<string> => textArb(1, 16).filter((s) => Buffer.byteLength(s) <= max);
const u32 = fc.integer({ min: 0, max: 0xffffffff });

const rangesArb: fc.Arbitrary<SlideRanges> = fc
  .record({
    source: nameArb(255),
    presentation: nameArb(64),
    slide: fc.integer({ min: 0, max: 0xffff }),
    ranges: fc.array(fc.record({ first: u32, count: fc.integer({ min: 1, max: MAX_NACK_SEQS / MAX_NACK_RANGES }) }, { noNullPrototype: true }), { minLength: 1, maxLength: MAX_NACK_RANGES }),
  }, { noNullPrototype: true });

const summaryArb: fc.Arbitrary<Summary> = fc.record({
  source: nameArb(255),
  entries: fc.array(fc.record({ presentation: nameArb(64), slide: fc.integer({ min: 0, max: 0xffff }), highest: fc.integer({ min: 1, max: 0xffffffff }) }, { noNullPrototype: true }), { minLength: 1, maxLength: 20 }),
}, { noNullPrototype: true });

const ranges = (first: number, count: number, more: Array<[number, number]> = []): SlideRanges => ({
  source: 'S',
  presentation: 'talk',
  slide: 3,
  ranges: [[first, count] as [number, number], ...more].map(([f, c]) => ({ first: f, count: c })),
});

describeWireFormat('the adu NACK', {
  decode: (b) => decodeSlideRanges(b, ADU_NACK_TYPE),
  encode: (m) => encodeSlideRanges(m, ADU_NACK_TYPE),
  golden: [
    ['fragments 7 and 8 of slide 3', ranges(7, 2), `4e ${HEAD} 01 00000007 0002`],
    [
      'slide 65535, a range at the top of the u32 and one of 4095 seqs (4096 in all)',
      { source: 'S', presentation: 'p', slide: 0xffff, ranges: [{ first: 0xffffffff, count: 1 }, { first: 1, count: 4095 }] },
      '4e 01 53 01 70 ffff 02 ffffffff 0001 00000001 0fff',
    ],
    [
      'a two-byte source and presentation, slide 0',
      { source: 'é', presentation: 'é', slide: 0, ranges: [{ first: 1, count: 1 }] },
      '4e 02 c3a9 02 c3a9 0000 01 00000001 0001',
    ],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['an UNAVAILABLE where a NACK is wanted', `55 ${HEAD} 01 00000007 0001`, WireCode.UNKNOWN_TYPE, /not 0x4e/],
    ['a SUMMARY type', `53 ${HEAD} 01 00000007 0001`, WireCode.UNKNOWN_TYPE],
    ['an empty source', '4e 00 04 74616c6b 0003 01 00000007 0001', WireCode.RANGE],
    ['an empty presentation', '4e 01 53 00 0003 01 00000007 0001', WireCode.RANGE],
    ['a presentation of 65 bytes', `4e 01 53 41 ${'61'.repeat(65)} 0003 01 00000007 0001`, WireCode.OVERSIZE, /presentation/],
    ['a source not UTF-8', '4e 01 ff 04 74616c6b 0003 01 00000007 0001', WireCode.UTF8],
    ['no ranges', `4e ${HEAD} 00`, WireCode.RANGE, /no ranges/],
    ['65 ranges', `4e ${HEAD} 41 ${'00000001 0001'.repeat(65)}`, WireCode.OVERSIZE, /ranges exceed/],
    ['an empty range', `4e ${HEAD} 01 00000007 0000`, WireCode.RANGE, /empty/],
    ['4097 seqs in all', `4e ${HEAD} 02 00000001 0fff 00002000 0002`, WireCode.OVERSIZE, /over 4096/],
    ['one range of 65535 seqs', `4e ${HEAD} 01 00000001 ffff`, WireCode.OVERSIZE],
    ['two ranges announced, one there', `4e ${HEAD} 02 00000007 0001`, WireCode.TRUNCATED],
  ],
  trailing: true,
  arbitrary: rangesArb,
  seed: SEED,
  value: 'NACK',
  packets: 'NACKs',
  extra: () => {
    it('refuses to encode what it could not decode', () => {
      const bad = (m: SlideRanges): void => assert.throws(() => encodeSlideRanges(m), RangeError, JSON.stringify(m).slice(0, 80));
      bad({ ...ranges(1, 1), ranges: [] });
      bad({ ...ranges(1, 1), ranges: Array.from({ length: MAX_NACK_RANGES + 1 }, (_, i) => ({ first: 10 * i, count: 1 })) });
      bad(ranges(1, 0));
      bad(ranges(1, 4000, [[5000, 97]]));
      bad({ ...ranges(1, 1), source: '' });
      bad({ ...ranges(1, 1), presentation: '' });
      bad({ ...ranges(1, 1), presentation: 'a'.repeat(65) });
      bad({ ...ranges(1, 1), slide: 65536 });
      bad(ranges(2 ** 32, 1));
    });

    it('names its seqs in order; splits any list into messages within the bounds', () => {
      assert.deepEqual(seqsOf([{ first: 5, count: 3 }, { first: 1, count: 1 }]), [5, 6, 7, 1]);
      const one = rangeMessages(ranges(1, 1), [9, 3, 4, 5, 7], ADU_NACK_TYPE);
      assert.equal(one.length, 1);
      assert.deepEqual(decodedValue(decodeSlideRanges(one[0]!)).ranges, [{ first: 3, count: 3 }, { first: 7, count: 1 }, { first: 9, count: 1 }]);
      const many = Array.from({ length: 10_000 }, (_, i) => 2 * i + 1); // no two adjacent: 64 ranges a message
      const messages = rangeMessages(ranges(1, 1), many, ADU_UNAVAILABLE_TYPE);
      const back = messages.flatMap((b) => seqsOf(decodedValue(decodeSlideRanges(b, ADU_UNAVAILABLE_TYPE)).ranges));
      assert.equal(messages.length, Math.ceil(many.length / MAX_NACK_RANGES));
      assert.deepEqual(back, many);
      const run = rangeMessages(ranges(1, 1), Array.from({ length: 10_000 }, (_, i) => i + 1), ADU_NACK_TYPE);
      assert.equal(run.length, Math.ceil(10_000 / MAX_NACK_SEQS));
    });
  },
});

describeWireFormat('the adu UNAVAILABLE', {
  decode: (b) => decodeSlideRanges(b, ADU_UNAVAILABLE_TYPE),
  encode: (m) => encodeSlideRanges(m, ADU_UNAVAILABLE_TYPE),
  golden: [
    ['fragment 7 of slide 3', ranges(7, 1), `55 ${HEAD} 01 00000007 0001`],
    ['two ranges', ranges(1, 2, [[10, 3]]), `55 ${HEAD} 02 00000001 0002 0000000a 0003`],
  ],
  malformed: [
    ['a NACK where an UNAVAILABLE is wanted', `4e ${HEAD} 01 00000007 0001`, WireCode.UNKNOWN_TYPE, /not 0x55/],
    ['no ranges', `55 ${HEAD} 00`, WireCode.RANGE],
    ['an empty range', `55 ${HEAD} 01 00000007 0000`, WireCode.RANGE],
  ],
  trailing: true,
  arbitrary: rangesArb,
  seed: SEED,
  value: 'UNAVAILABLE',
  packets: 'UNAVAILABLEs',
});

describeWireFormat('the adu SUMMARY', {
  decode: decodeSummary,
  encode: encodeSummary,
  golden: [
    ['one slide: talk 1 up to seq 5', { source: 'S', entries: [{ presentation: 'talk', slide: 1, highest: 5 }] }, '53 01 53 0001 04 74616c6b 0001 00000005'],
    [
      'two presentations, slide 0 at the top seq and slide 65535 at seq 1',
      { source: 'S', entries: [{ presentation: 'p', slide: 0, highest: 0xffffffff }, { presentation: 'q', slide: 0xffff, highest: 1 }] },
      '53 01 53 0002 01 70 0000 ffffffff 01 71 ffff 00000001',
    ],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['a NACK type', '4e 01 53 0001 04 74616c6b 0001 00000005', WireCode.UNKNOWN_TYPE],
    ['an empty source', '53 00 0001 04 74616c6b 0001 00000005', WireCode.RANGE],
    ['no entries', '53 01 53 0000', WireCode.RANGE, /no entries/],
    ['513 entries', `53 01 53 0201 ${'01 70 0001 00000001'.repeat(513)}`, WireCode.OVERSIZE, /exceed 512/],
    ['an entry at seq 0', '53 01 53 0001 04 74616c6b 0001 00000000', WireCode.RANGE, /highest slideSeq 0/],
    ['an entry with an empty presentation', '53 01 53 0001 00 0001 00000005', WireCode.RANGE],
    ['an entry with a presentation of 65 bytes', `53 01 53 0001 41 ${'61'.repeat(65)} 0001 00000005`, WireCode.OVERSIZE],
    ['a presentation not UTF-8', '53 01 53 0001 02 c328 0001 00000005', WireCode.UTF8],
    ['two entries announced, one there', '53 01 53 0002 04 74616c6b 0001 00000005', WireCode.TRUNCATED],
  ],
  trailing: true,
  arbitrary: summaryArb,
  seed: SEED,
  value: 'SUMMARY',
  packets: 'SUMMARYs',
  extra: () => {
    it('refuses to encode what it could not decode; the largest SUMMARY decodes', () => {
      const e = { presentation: 'talk', slide: 1, highest: 5 };
      const bad = (s: Summary): void => assert.throws(() => encodeSummary(s), RangeError);
      bad({ source: 'S', entries: [] });
      bad({ source: 'S', entries: Array.from({ length: MAX_SUMMARY_ENTRIES + 1 }, () => e) });
      bad({ source: 'S', entries: [{ ...e, highest: 0 }] });
      bad({ source: 'S', entries: [{ ...e, highest: 2 ** 32 }] });
      bad({ source: '', entries: [e] });
      bad({ source: 'S', entries: [{ ...e, presentation: 'a'.repeat(65) }] });
      const largest = { source: 's'.repeat(255), entries: Array.from({ length: MAX_SUMMARY_ENTRIES }, (_, i) => ({ presentation: 'p'.repeat(64), slide: i, highest: 0xffffffff })) };
      assert.deepEqual(decodedValue(decodeSummary(encodeSummary(largest))), largest);
    });
  },
});
