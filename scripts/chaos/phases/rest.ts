/** Phase `rest`: upstream changes per node per minute with no fault at all (goal: at most 1). */

import { allReceiving, type PhaseContext } from './context.ts';
import { snapshot } from '../mesh.ts';
import { progress, wait } from '../wait.ts';

const PHASE = 'rest';
/** Settling before the window: for ~40 s after start-up the RTTs to the loaded source fall (test/integration/netns-session.test.ts). */
const SETTLE_MS = 30_000;
/** The window: a minute, so that a count is a rate (a shorter one could not tell 0 from 2 a minute). */
const WINDOW_MS = 60_000;
const GOAL_PER_MIN = 1;

export async function rest(ctx: PhaseContext): Promise<void> {
  const { d, results } = ctx;
  await allReceiving(PHASE, ctx);
  await wait(PHASE, 'settling', SETTLE_MS);
  const before = await snapshot(d);
  const at = Date.now();
  progress(PHASE, `watching upstream changes for ${WINDOW_MS / 1000} s`);
  await wait(PHASE, 'at rest', WINDOW_MS);
  const after = await snapshot(d);
  const minutes = (Date.now() - at) / 60_000;
  const rates: Array<[number, number]> = [];
  for (const [i, s] of after.states) {
    const b = before.states.get(i);
    if (b !== undefined && s.upstreamChanges >= b.upstreamChanges) rates.push([i, (s.upstreamChanges - b.upstreamChanges) / minutes]);
  }
  if (rates.length < d.n) results.note(PHASE, `${d.n - rates.length} node(s) not counted (no /state answer, or restarted)`);
  const worst = rates.reduce((w, r) => (r[1] > w[1] ? r : w), [-1, 0] as [number, number]);
  const mean = rates.reduce((s, r) => s + r[1], 0) / Math.max(1, rates.length);
  const total = rates.reduce((s, r) => s + r[1], 0) * minutes;
  results.add({
    phase: PHASE,
    name: 'upstream changes per node per minute at rest',
    figure: `max ${worst[1].toFixed(1)} (node ${worst[0]}), mean ${mean.toFixed(2)}, ${Math.round(total)} changes in all over ${(minutes * 60).toFixed(0)} s`,
    goal: `<= ${GOAL_PER_MIN}`,
    pass: rates.length > 0 && worst[1] <= GOAL_PER_MIN,
    values: { perNode: Object.fromEntries(rates), max: worst[1], mean, windowS: minutes * 60 },
  });
}
