import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ReceptionStats, type ReportBlockFields } from '../../../../src/services/rtp/wire/reception.ts';
import { fcSeed } from '../../../support/wire.ts';

const SEED = fcSeed('reception.test', 0xa103);

/** Feeds `seqs` as a steady sender sends them and a steady network delivers them: 1800 ticks (20 ms at 90 kHz) and 20 ms a seq. */
function feed(stats: ReceptionStats, seqs: readonly number[]): void {
  for (const seq of seqs) stats.onRtp(seq & 0xffff, (seq * 1800) >>> 0, seq * 20);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const report = (fields: Partial<ReportBlockFields>): ReportBlockFields => ({
  fractionLost: 0,
  cumulativeLost: 0,
  highestSeq: 0,
  jitter: 0,
  expectedInterval: 0,
  lostInterval: 0,
  lsr: 0,
  dlsr: 0,
  ...fields,
});

describe('reception statistics (RFC 3550 A.1, A.3, A.8)', () => {
  it('reports nothing until the source passes probation (two seqs in a row); the first is not counted', () => {
    const s = new ReceptionStats();
    assert.equal(s.onRtp(7, 0, 0), false);
    assert.equal(s.validated, false);
    assert.deepEqual(s.report(), report({}));
    assert.equal(s.onRtp(8, 1800, 20), true);
    assert.equal(s.validated, true);
    assert.deepEqual(s.report(), report({ highestSeq: 8, expectedInterval: 1 }));
  });

  it('restarts probation when the first packets are not in sequence', () => {
    const s = new ReceptionStats();
    feed(s, [10, 12, 13, 14]);
    assert.deepEqual(s.report(), report({ highestSeq: 14, expectedInterval: 2 }), '13 and 14 counted, from 13');
  });

  it('counts no loss in order', () => {
    const s = new ReceptionStats();
    feed(s, range(0, 9));
    assert.deepEqual(s.report(), report({ highestSeq: 9, expectedInterval: 9 }));
  });

  it('counts loss per interval and in all: 1 of 20, then 2 of 10', () => {
    const s = new ReceptionStats();
    feed(s, [...range(0, 9), ...range(11, 20)]);
    assert.deepEqual(s.report(), report({ fractionLost: 12, cumulativeLost: 1, highestSeq: 20, expectedInterval: 20, lostInterval: 1 }), '256 x 1/20 = 12.8');
    feed(s, [...range(21, 24), ...range(27, 30)]);
    assert.deepEqual(s.report(), report({ fractionLost: 51, cumulativeLost: 3, highestSeq: 30, expectedInterval: 10, lostInterval: 2 }), '256 x 2/10 = 51.2');
    assert.deepEqual(s.report(), report({ cumulativeLost: 3, highestSeq: 30 }), 'an empty interval');
  });

  it('counts a reordered packet once, and no loss', () => {
    const s = new ReceptionStats();
    [0, 1, 2, 4, 3, 5].forEach((seq, i) => s.onRtp(seq, seq * 1800, i * 20));
    const r = s.report();
    assert.equal(r.cumulativeLost, 0);
    assert.equal(r.fractionLost, 0);
    assert.equal(r.highestSeq, 5);
  });

  it('counts a duplicate as received, as A.1 does: loss goes negative, the fraction stays 0', () => {
    const s = new ReceptionStats();
    feed(s, [0, 1, 2, 2, 3]);
    const r = s.report();
    assert.equal(r.cumulativeLost, -1);
    assert.equal(r.lostInterval, -1);
    assert.equal(r.fractionLost, 0);
    assert.equal(r.expectedInterval, 3);
  });

  it('extends the highest seq across the wrap at 65535', () => {
    const s = new ReceptionStats();
    feed(s, range(65530, 65540));
    assert.deepEqual(s.report(), report({ highestSeq: 65536 + 4, expectedInterval: 10 }));
    feed(s, range(65541, 65541 + 65535));
    assert.equal(s.report().highestSeq, 2 * 65536 + 4, 'a second cycle');
  });

  it('ignores one very large jump, and resynchronizes on two in a row (a restarted sender)', () => {
    const s = new ReceptionStats();
    feed(s, range(0, 9));
    assert.equal(s.onRtp(20000, 0, 300), false, 'a stray packet');
    feed(s, range(10, 12));
    assert.deepEqual(s.report(), report({ highestSeq: 12, expectedInterval: 12 }));
    assert.equal(s.onRtp(40000, 0, 400), false);
    assert.equal(s.onRtp(40001, 1800, 420), true);
    assert.deepEqual(s.report(), report({ highestSeq: 40001, expectedInterval: 1 }), 'counted afresh from 40001');
  });

  it('takes a gap under 3000 seqs as loss', () => {
    const s = new ReceptionStats();
    feed(s, [0, 1, 2, 2002]);
    const r = s.report();
    assert.equal(r.cumulativeLost, 1999);
    assert.equal(r.fractionLost, Math.floor((1999 * 256) / 2002));
  });

  it('computes jitter as A.8: J += (|D| - J) / 16, in 90 kHz ticks', () => {
    const s = new ReceptionStats();
    const arrivals = [0, 20, 40, 70, 80]; // the fourth 10 ms late
    arrivals.forEach((ms, seq) => s.onRtp(seq, seq * 1800, ms));
    // seq 0 is on probation; D(2) = 0; D(3) = 2700 - 1800 = 900: J = 56.25; D(4) = 900 - 1800: J = 56.25 + (900 - 56.25) / 16
    assert.equal(s.report().jitter, Math.floor(56.25 + (900 - 56.25) / 16));
  });

  it('keeps jitter at 0 for a steady sender, across the RTP timestamp wrap', () => {
    const s = new ReceptionStats();
    range(0, 50).forEach((seq) => s.onRtp(seq, (0xffff0000 + seq * 1800) >>> 0, seq * 20));
    assert.equal(s.report().jitter, 0);
  });

  it('takes another clock rate', () => {
    const s = new ReceptionStats({ clockHz: 8000 });
    [0, 20, 50].forEach((ms, seq) => s.onRtp(seq, seq * 160, ms));
    assert.equal(s.report().jitter, Math.floor(80 / 16), '10 ms late at 8 kHz is 80 ticks');
  });

  it('reports LSR and DLSR of the last SR when given the time', () => {
    const s = new ReceptionStats();
    feed(s, range(0, 3));
    assert.equal(s.report(1000).lsr, 0, 'no SR yet');
    s.onSenderReport(0x12345678, 0x9abcdef0, 1000);
    const r = s.report(1500);
    assert.equal(r.lsr, 0x56789abc);
    assert.equal(r.dlsr, 32768, '0.5 s in 1/65536 s');
    assert.equal(s.report().lsr, 0, 'no time, no LSR');
  });

  it(`stays within the report block's ranges whatever arrives (fast-check seed ${SEED})`, () => {
    const packetArb = fc.record({ seq: fc.integer({ min: 0, max: 0xffff }), ts: fc.integer({ min: 0, max: 0xffffffff }), dt: fc.integer({ min: 0, max: 5000 }) });
    fc.assert(
      fc.property(fc.array(fc.oneof(packetArb, fc.constant('report' as const)), { maxLength: 200 }), (events) => {
        const s = new ReceptionStats();
        let now = 0;
        for (const e of events) {
          if (e === 'report') {
            const r = s.report(now);
            assert.ok(r.fractionLost >= 0 && r.fractionLost <= 255);
            assert.ok(r.cumulativeLost >= -0x800000 && r.cumulativeLost <= 0x7fffff);
            for (const v of [r.highestSeq, r.jitter, r.lsr, r.dlsr]) assert.equal(v >>> 0, v);
            assert.ok(r.lostInterval <= r.expectedInterval);
          } else {
            now += e.dt;
            s.onRtp(e.seq, e.ts, now);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
