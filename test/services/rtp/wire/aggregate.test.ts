import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  combineReports,
  decodeAggregate,
  encodeAggregate,
  fractionLostOf,
  reportBlockOf,
  subtreeOf,
  type Aggregate,
  type SubtreeReport,
} from '../../../../src/services/rtp/wire/aggregate.ts';
import type { ReportBlockFields } from '../../../../src/services/rtp/wire/reception.ts';
import { assertRefused, describeWireFormat, fcSeed, unhex } from '../../../support/wire.ts';

const SEED = fcSeed('aggregate.test', 0x5ca6);

const AGGREGATE: Aggregate = {
  reporterSsrc: 0x0a0b0c0d,
  mediaSsrc: 0x11223344,
  own: { ssrc: 0x11223344, fractionLost: 25, cumulativeLost: 5, highestSeq: 0x10064, jitter: 0x90, lsr: 0, dlsr: 0 },
  subtree: { receivers: 3, expected: 300, lost: 12, cumulativeLost: -2, highestSeq: 0x10064, jitterWorst: 200, jitterMean: 150 },
};
const RR_HEX = '81c90007 0a0b0c0d 11223344 19 000005 00010064 00000090 00000000 00000000';
const APP_HEAD = '80cc0009 0a0b0c0d 53434147';
const DATA_HEX = '00000003 0000012c 0000000c fffffffe 00010064 000000c8 00000096';
const AGGREGATE_HEX = `${RR_HEX} ${APP_HEAD} ${DATA_HEX}`;

const EXTREMES: Aggregate = {
  reporterSsrc: 0xffffffff,
  mediaSsrc: 0,
  own: { ssrc: 0, fractionLost: 0, cumulativeLost: -0x800000, highestSeq: 0xffffffff, jitter: 0, lsr: 0, dlsr: 0 },
  subtree: { receivers: 0, expected: 0, lost: 0, cumulativeLost: -0x80000000, highestSeq: 0xffffffff, jitterWorst: 0xffffffff, jitterMean: 0 },
};
const EXTREMES_HEX =
  '81c90007 ffffffff 00000000 00 800000 ffffffff 00000000 00000000 00000000 80cc0009 ffffffff 53434147 00000000 00000000 00000000 80000000 ffffffff ffffffff 00000000';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const aggregateArb: fc.Arbitrary<Aggregate> = fc
  .record({
    reporterSsrc: u32,
    mediaSsrc: u32,
    fractionLost: fc.integer({ min: 0, max: 255 }),
    ownLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
    ownFields: fc.tuple(u32, u32, u32, u32),
    receivers: u32,
    expected: u32,
    lostShare: fc.double({ min: 0, max: 1, noNaN: true }),
    cumulativeLost: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    highestSeq: u32,
    jitterWorst: u32,
    meanShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((a) => ({
    reporterSsrc: a.reporterSsrc,
    mediaSsrc: a.mediaSsrc,
    own: { ssrc: a.mediaSsrc, fractionLost: a.fractionLost, cumulativeLost: a.ownLost, highestSeq: a.ownFields[0], jitter: a.ownFields[1], lsr: a.ownFields[2], dlsr: a.ownFields[3] },
    subtree: {
      receivers: a.receivers,
      expected: a.expected,
      lost: Math.floor(a.expected * a.lostShare),
      cumulativeLost: a.cumulativeLost,
      highestSeq: a.highestSeq,
      jitterWorst: a.jitterWorst,
      jitterMean: Math.floor(a.jitterWorst * a.meanShare),
    },
  }));

describeWireFormat('the subtree aggregate (RR + APP SCAG, paper 5.1)', {
  decode: decodeAggregate,
  encode: encodeAggregate,
  golden: [
    ['three receivers, 4% lost, negative cumulative loss', AGGREGATE, AGGREGATE_HEX],
    ['every field at an extreme', EXTREMES, EXTREMES_HEX],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['the RR alone', RR_HEX, WireCode.TRUNCATED],
    ['an SR first', `80c80006 0a0b0c0d ${'00'.repeat(20)} ${APP_HEAD} ${DATA_HEX}`, WireCode.UNKNOWN_TYPE],
    ['an RR without a block', `80c90001 0a0b0c0d ${APP_HEAD} ${DATA_HEX}`, WireCode.UNKNOWN_TYPE],
    ['an RR with two blocks', `82c9000d 0a0b0c0d ${'00'.repeat(48)} ${APP_HEAD} ${DATA_HEX}`, WireCode.UNKNOWN_TYPE],
    ['an APP of another name', `${RR_HEX} 80cc0009 0a0b0c0d 53434148 ${DATA_HEX}`, WireCode.UNKNOWN_TYPE],
    ['an APP from another SSRC', `${RR_HEX} 80cc0009 0a0b0c0e 53434147 ${DATA_HEX}`, WireCode.UNKNOWN_TYPE],
    ['an APP of subtype 1', `${RR_HEX} 81cc0009 0a0b0c0d 53434147 ${DATA_HEX}`, WireCode.UNKNOWN_TYPE],
    ['an SDES in place of the APP', `${RR_HEX} 81ca0003 0a0b0c0d 01057363784061 00`, WireCode.UNKNOWN_TYPE],
    ['a BYE after the APP', `${AGGREGATE_HEX} 80cb0000`, WireCode.UNKNOWN_TYPE],
    ['SCAG data of 24 bytes', `${RR_HEX} 80cc0008 0a0b0c0d 53434147 ${'00'.repeat(24)}`, WireCode.RANGE],
    ['SCAG data of 32 bytes', `${RR_HEX} 80cc000a 0a0b0c0d 53434147 ${DATA_HEX} 00000000`, WireCode.RANGE],
    ['lost over expected', `${RR_HEX} ${APP_HEAD} 00000003 0000012c 0000012d fffffffe 00010064 000000c8 00000096`, WireCode.RANGE],
    ['mean jitter over worst', `${RR_HEX} ${APP_HEAD} 00000003 0000012c 0000000c fffffffe 00010064 000000c8 000000c9`, WireCode.RANGE],
    ['RTCP version 1', `41c90007 ${RR_HEX.slice(9)} ${APP_HEAD} ${DATA_HEX}`, WireCode.VERSION],
  ],
  arbitrary: aggregateArb,
  seed: SEED,
  value: 'aggregate',
  packets: 'aggregates',
  extra: () => {
    it('refuses to encode what it could not decode', () => {
      const subtree = (fields: Partial<SubtreeReport>): Aggregate => ({ ...AGGREGATE, subtree: { ...AGGREGATE.subtree, ...fields } });
      assert.throws(() => encodeAggregate(subtree({ lost: 301 })), RangeError, 'lost over expected');
      assert.throws(() => encodeAggregate(subtree({ jitterMean: 201 })), RangeError, 'mean over worst');
      assert.throws(() => encodeAggregate(subtree({ jitterMean: 10.5 })), RangeError, 'a fractional mean');
      assert.throws(() => encodeAggregate(subtree({ receivers: -1 })), RangeError);
      assert.throws(() => encodeAggregate(subtree({ expected: 2 ** 32, lost: 0 })), RangeError);
      assert.throws(() => encodeAggregate(subtree({ cumulativeLost: 2 ** 31 })), RangeError);
      assert.throws(() => encodeAggregate(subtree({ cumulativeLost: 0.5 })), RangeError);
      assert.throws(() => encodeAggregate({ ...AGGREGATE, mediaSsrc: 1 }), RangeError, 'own block about another source');
      assert.throws(() => encodeAggregate({ ...AGGREGATE, own: { ...AGGREGATE.own, cumulativeLost: 0x800000 } }), RangeError);
    });
    it('reads a byte after the APP as a cut RTCP header: truncated, not trailing', () => assertRefused(decodeAggregate(unhex(`${AGGREGATE_HEX} 80`)), WireCode.TRUNCATED));
  },
});

const sub = (fields: Partial<SubtreeReport>): SubtreeReport => ({ receivers: 1, expected: 0, lost: 0, cumulativeLost: 0, highestSeq: 0, jitterWorst: 0, jitterMean: 0, ...fields });

describe('combining subtree reports', () => {
  it('sums lost and expected packets: 10% of 1000 and 0% of 100 is 100/1100 = 9.09%, not 5%', () => {
    const all = combineReports([sub({ expected: 1000, lost: 100 }), sub({ expected: 100, lost: 0 })])!;
    assert.equal(all.expected, 1100);
    assert.equal(all.lost, 100);
    assert.equal(fractionLostOf(all), 100 / 1100);
    assert.equal(fractionLostOf(all).toFixed(4), '0.0909');
  });

  it('sums receivers and cumulative losses, keeps the highest seq and worst jitter, weighs the mean by receivers', () => {
    const all = combineReports([
      sub({ receivers: 3, cumulativeLost: 7, highestSeq: 70000, jitterWorst: 300, jitterMean: 100 }),
      sub({ receivers: 1, cumulativeLost: -2, highestSeq: 69990, jitterWorst: 20, jitterMean: 20 }),
      sub({ receivers: 0, cumulativeLost: 0, highestSeq: 0, jitterWorst: 0, jitterMean: 0 }),
    ]);
    assert.deepEqual(all, { receivers: 4, expected: 0, lost: 0, cumulativeLost: 5, highestSeq: 70000, jitterWorst: 300, jitterMean: 80 });
  });

  it('is undefined for none, the report itself for one, and associative over levels up to rounding', () => {
    assert.equal(combineReports([]), undefined);
    const one = sub({ receivers: 2, expected: 50, lost: 5, jitterWorst: 9, jitterMean: 7 });
    assert.deepEqual(combineReports([one]), one);
    const [a, b, c] = [sub({ expected: 10, lost: 1 }), sub({ expected: 20, lost: 4, receivers: 2 }), sub({ expected: 30, lost: 0 })];
    assert.deepEqual(combineReports([combineReports([a, b])!, c]), combineReports([a, b, c]));
  });

  it('saturates sums past their wire range', () => {
    const big = sub({ receivers: 0xffffffff, expected: 0xffffffff, lost: 0xffffffff, cumulativeLost: 0x7fffffff });
    assert.deepEqual(combineReports([big, big]), { ...big, receivers: 0xffffffff, expected: 0xffffffff, lost: 0xffffffff, cumulativeLost: 0x7fffffff });
    const low = sub({ cumulativeLost: -0x80000000 });
    assert.equal(combineReports([low, low])!.cumulativeLost, -0x80000000);
  });

  it('reads 0 for an interval that expected nothing', () => assert.equal(fractionLostOf(sub({})), 0));
});

describe('one receiver as a subtree and a report block', () => {
  const fields: ReportBlockFields = { fractionLost: 12, cumulativeLost: 3, highestSeq: 70000, jitter: 42, expectedInterval: 20, lostInterval: 1, lsr: 9, dlsr: 10 };

  it('makes a subtree of one receiver', () => {
    assert.deepEqual(subtreeOf(fields), { receivers: 1, expected: 20, lost: 1, cumulativeLost: 3, highestSeq: 70000, jitterWorst: 42, jitterMean: 42 });
  });

  it('counts an interval where duplicates outnumber losses as no loss', () => {
    assert.equal(subtreeOf({ ...fields, lostInterval: -2 }).lost, 0);
  });

  it('makes the report block about the media source', () => {
    assert.deepEqual(reportBlockOf(fields, 0x11223344), { ssrc: 0x11223344, fractionLost: 12, cumulativeLost: 3, highestSeq: 70000, jitter: 42, lsr: 9, dlsr: 10 });
  });
});
