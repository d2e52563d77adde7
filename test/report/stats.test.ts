import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { medianCi95, summarise, tQuantile975 } from '../../src/report/stats.ts';

const close = (actual: number, expected: number, tol: number): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

describe('tQuantile975', () => {
  it('matches reference values of t(0.975, df) to 3 decimals for df 1..1000', () => {
    const reference: Array<[number, number]> = [
      [1, 12.7062], [2, 4.30265], [5, 2.57058], [10, 2.22814], [24, 2.0639], [29, 2.04523], [30, 2.04227],
      [31, 2.03951], [40, 2.02108], [60, 2.0003], [100, 1.98397], [120, 1.97993], [500, 1.96472], [1000, 1.96234],
    ];
    for (const [df, t] of reference) close(tQuantile975(df), t, 5e-4);
    assert.equal(tQuantile975(24).toFixed(3), '2.064');
  });

  it('decreases monotonically towards the normal quantile', () => {
    for (let df = 1; df < 1000; df++) assert.ok(tQuantile975(df + 1) < tQuantile975(df), `df=${df}`);
    assert.ok(tQuantile975(1e6) > 1.95996 && tQuantile975(1e6) < 1.96);
  });
});

describe('summarise', () => {
  it('gives the Student-t 95% CI of the mean of a known sample (n = 25)', () => {
    const xs = [4.2, 5.1, 3.9, 6.0, 5.5, 4.8, 5.2, 4.4, 5.9, 5.0, 4.7, 5.3, 4.1, 5.6, 4.9, 5.4, 4.6, 5.8, 4.3, 5.7, 4.5, 5.05, 4.95, 5.15, 4.85];
    const s = summarise(xs);
    assert.equal(s.n, 25);
    close(s.mean, 4.996, 1e-9);
    assert.equal(s.median, 5.0);
    close(s.sd, 0.575890614613574, 1e-9);
    close(s.lo95, 4.758284037768792, 1e-4);
    close(s.hi95, 5.233715962231207, 1e-4);
    assert.equal(s.min, 3.9);
    assert.equal(s.max, 6.0);
  });

  it('handles 1..5: mean 3, CI 3 -+ 2.7764 * sd / sqrt(5)', () => {
    const s = summarise([5, 3, 1, 4, 2]);
    close(s.sd, Math.sqrt(2.5), 1e-12);
    close(s.lo95, 1.03679, 1e-4);
    close(s.hi95, 4.96321, 1e-4);
    assert.equal(summarise([1, 2, 3, 4]).median, 2.5);
  });

  it('ignores non-finite values and reports n of the finite ones', () => {
    const s = summarise([1, NaN, 2, Infinity, 3, -Infinity]);
    assert.equal(s.n, 3);
    assert.equal(s.mean, 2);
    assert.equal(s.max, 3);
  });

  it('n = 1 gives lo = hi = mean; n = 0 gives NaN', () => {
    assert.deepEqual(summarise([7, NaN]), { n: 1, mean: 7, median: 7, sd: 0, lo95: 7, hi95: 7, min: 7, max: 7 });
    const empty = summarise([NaN]);
    assert.equal(empty.n, 0);
    assert.ok(Number.isNaN(empty.mean) && Number.isNaN(empty.lo95));
  });
});

describe('medianCi95', () => {
  const ranks = (n: number): number[] => Array.from({ length: n }, (_, i) => n - i); // values equal their rank, shuffled order

  it('is undefined below n = 6 (finite values only)', () => {
    assert.equal(medianCi95(ranks(5)), undefined);
    assert.equal(medianCi95([...ranks(5), NaN, Infinity]), undefined);
  });

  it('uses the binomial order statistics (reference ranks from scipy)', () => {
    const expected: Array<[number, number, number, number]> = [
      [6, 1, 6, 0.96875], [8, 1, 8, 0.9921875], [9, 2, 8, 0.9609375], [10, 2, 9, 0.978515625],
      [20, 6, 15, 0.95861053], [100, 40, 61, 0.9647998], [5000, 2431, 2570, 0.95068414],
    ];
    for (const [n, lo, hi, coverage] of expected) {
      const ci = medianCi95(ranks(n));
      assert.ok(ci, `n=${n}`);
      assert.equal(ci.lo, lo, `lo n=${n}`);
      assert.equal(ci.hi, hi, `hi n=${n}`);
      close(ci.coverage, coverage, 1e-7);
      assert.ok(ci.coverage >= 0.95);
    }
  });
});
