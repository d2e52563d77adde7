/**
 * Seeds of random tests: fixed by default (never the clock), so that a run is the same every time; SC_SEED=n (or
 * FC_SEED=n, its older name) replays or explores another. Every random test takes its seed from `testSeed`, which
 * says it in the test's output: `seed N (replay with SC_SEED=N)`.
 */

import type { TestContext } from 'node:test';

/** SC_SEED, else FC_SEED, else `fallback`; a value that is not an integer is refused. */
export function envSeed(fallback: number): number {
  for (const name of ['SC_SEED', 'FC_SEED']) {
    const raw = process.env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const seed = Number(raw);
    if (!Number.isSafeInteger(seed)) throw new Error(`${name}=${raw}: a seed is an integer`);
    return seed;
  }
  return fallback;
}

/** The seed of the running test (see envSeed), said as its diagnostic. */
export function testSeed(t: TestContext, fallback: number): number {
  const seed = envSeed(fallback);
  t.diagnostic(`seed ${seed} (replay with SC_SEED=${seed})`);
  return seed;
}
