import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import { decodeClientInterest, encodeClientInterest, MAX_INTEREST_SLIDES, type ClientInterest } from '../../../../src/services/adu/wire/interest.ts';
import { describeWireFormat, fcSeed, hex, textArb } from '../../../support/wire.ts';

const SEED = fcSeed('interest.test', 0x1e7);

const interestArb: fc.Arbitrary<ClientInterest> = fc.record({
  presentation: textArb(1, 16).filter((s) => Buffer.byteLength(s) <= 64),
  slides: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((s) => s.sort((a, b) => a - b)),
}, { noNullPrototype: true });

describeWireFormat('the client interest (paper 6.6.2)', {
  decode: decodeClientInterest,
  encode: encodeClientInterest,
  golden: [
    ['one slide of talk', { presentation: 'talk', slides: [3] }, '49 04 74616c6b 0001 0003'],
    ['none', { presentation: 'p', slides: [] }, '49 01 70 0000'],
    ['slide 0, 2 and the last', { presentation: 'talk', slides: [0, 2, 0xffff] }, '49 04 74616c6b 0003 0000 0002 ffff'],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['another type', '48 01 70 0000', WireCode.UNKNOWN_TYPE],
    ['an empty presentation', '49 00 0000', WireCode.RANGE],
    ['a presentation of 65 bytes', `49 41 ${'61'.repeat(65)} 0000`, WireCode.OVERSIZE],
    ['a presentation not UTF-8', '49 01 ff 0000', WireCode.UTF8],
    ['more slides than allowed', `49 01 70 0101 ${'0000'.repeat(257)}`, WireCode.OVERSIZE],
    ['two slides announced, one there', '49 01 70 0002 0001', WireCode.TRUNCATED],
    ['slides out of order', '49 01 70 0002 0002 0001', WireCode.RANGE],
    ['a slide twice', '49 01 70 0002 0002 0002', WireCode.RANGE],
  ],
  trailing: true,
  arbitrary: interestArb,
  seed: SEED,
  value: 'interest',
  packets: 'interests',
  extra: () => {
    it('sorts and deduplicates on encoding; refuses what it cannot encode', () => {
      assert.equal(hex(encodeClientInterest({ presentation: 'p', slides: [5, 1, 5] })), '49017000020001' + '0005');
      assert.throws(() => encodeClientInterest({ presentation: 'p', slides: [65536] }), RangeError);
      assert.throws(() => encodeClientInterest({ presentation: 'p', slides: [-1] }), RangeError);
      assert.throws(() => encodeClientInterest({ presentation: '', slides: [] }), RangeError);
      assert.throws(() => encodeClientInterest({ presentation: 'a'.repeat(65), slides: [] }), RangeError);
      assert.throws(() => encodeClientInterest({ presentation: 'p', slides: Array.from({ length: MAX_INTEREST_SLIDES + 1 }, (_, i) => i) }), RangeError);
    });
  },
});
