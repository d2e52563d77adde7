/**
 * Phase `kill`: kill -9 of 30% of the nodes at once, chosen by the seed among all but the source. Figures: the share
 * of surviving receivers receiving again within 3 s, and the p50/p99 repair time of those that fell silent.
 */

import { allReceiving, type PhaseContext } from './context.ts';
import { SOURCE } from '../deployment.ts';
import { pct, percentile, secs } from '../goals.ts';
import { progress, sleep, until } from '../wait.ts';

const PHASE = 'kill';
const SHARE = 0.3;
const GOAL_MS = 3000;
/** How long the survivors are given before the figures are taken. */
const WATCH_MS = 15_000;

export async function kill(ctx: PhaseContext): Promise<void> {
  const { d, results, rng } = ctx;
  await allReceiving(PHASE, ctx);
  const candidates = d.live().filter((i) => i !== SOURCE);
  const victims = rng.shuffle(candidates).slice(0, Math.round(SHARE * d.n)).sort((a, b) => a - b);
  results.note(PHASE, `killing node(s) ${victims.join(', ')} (${victims.length} of ${d.n})`);
  const at = Date.now();
  for (const v of victims) d.kill(v);
  const survivors = candidates.filter((i) => !victims.includes(i));
  progress(PHASE, `waiting up to ${WATCH_MS / 1000} s for ${survivors.length} survivors to receive`);
  await until(WATCH_MS, () => Date.now() - at > 1500 && d.flowing(survivors), 250);
  await sleep(1000);
  d.pollRecords();
  const now = Date.now();
  const repairs = survivors.map((i) => [i, d.records[i]?.resumedAfter(at, now) ?? Infinity] as const);
  const within = repairs.filter(([, ms]) => ms <= GOAL_MS);
  const silenced = repairs.filter(([, ms]) => ms > 0).map(([, ms]) => ms);
  const late = repairs.filter(([, ms]) => ms > GOAL_MS).map(([i, ms]) => `${i}: ${secs(ms)}`);
  const share = within.length / Math.max(1, survivors.length);
  const p50 = percentile(silenced, 50);
  const p99 = percentile(silenced, 99);
  results.add({
    phase: PHASE,
    name: 'survivors receiving again within 3 s',
    figure: `${pct(share)} (${within.length}/${survivors.length})${late.length > 0 ? `; late: ${late.join(', ')}` : ''}`,
    goal: '100%',
    pass: survivors.length > 0 && within.length === survivors.length,
    values: { victims, repairsMs: Object.fromEntries(repairs.map(([i, ms]) => [i, Number.isFinite(ms) ? ms : null])) },
  });
  results.add({
    phase: PHASE,
    name: 'repair time of the survivors that fell silent',
    figure: silenced.length === 0 ? 'none fell silent' : `p50 ${secs(p50)}, p99 ${secs(p99)} over ${silenced.length} silenced`,
    goal: 'p99 <= 3 s',
    pass: silenced.length === 0 || (p99 as number) <= GOAL_MS,
    values: { p50Ms: p50, p99Ms: p99 === Infinity ? null : p99, silenced: silenced.length },
  });
}
