/**
 * Phase `flap`: a partition into halves (drawn by the seed, anew at every cut) that flaps every 5 s for 60 s (cut
 * 5 s, healed 5 s), then holds healed. Figures: time to one mesh with every receiver receiving, duplicate
 * deliveries at every receiver over the phase, and the control messages sent a second by all nodes
 * (scattercast_control_messages_sent_total) once converged, against the rate measured before the phase.
 */

import { allReceiving, type PhaseContext } from './context.ts';
import type { Deployment } from '../deployment.ts';
import { secs } from '../goals.ts';
import { oneMesh, snapshot } from '../mesh.ts';
import { progress, sleep, wait } from '../wait.ts';

const PHASE = 'flap';
const PERIOD_MS = 5000;
const FLAP_MS = 60_000;
/** Window of each control-rate measure. */
const RATE_WINDOW_MS = 20_000;
/** Quiet time after convergence before the rate is measured again. */
const SETTLE_MS = 10_000;
const CONVERGE_BOUND_MS = 60_000;
const RATE_FACTOR = 1.5;
const METRIC = 'scattercast_control_messages_sent_total';

/** Control messages a second sent by all nodes over RATE_WINDOW_MS (nodes that answered both reads). */
async function controlRate(d: Deployment): Promise<{ rate: number; nodes: number }> {
  const read = async (): Promise<Map<number, number>> => {
    const m = new Map<number, number>();
    await Promise.all(d.live().map(async (i) => {
      const v = await d.metric(i, METRIC);
      if (v !== undefined) m.set(i, v);
    }));
    return m;
  };
  const a = await read();
  const at = Date.now();
  await sleep(RATE_WINDOW_MS);
  const b = await read();
  const s = (Date.now() - at) / 1000;
  let sum = 0;
  let nodes = 0;
  for (const [i, v] of b) {
    const before = a.get(i);
    if (before !== undefined && v >= before) {
      sum += v - before;
      nodes++;
    }
  }
  return { rate: sum / s, nodes };
}

export async function flap(ctx: PhaseContext): Promise<void> {
  const { d, results, rng } = ctx;
  await allReceiving(PHASE, ctx);
  progress(PHASE, `control rate before: ${RATE_WINDOW_MS / 1000} s`);
  const before = await controlRate(d);
  const start = Date.now();
  const cuts: string[] = [];
  for (let t = 0; t < FLAP_MS; t += 2 * PERIOD_MS) {
    const order = rng.shuffle(d.live());
    const a = order.slice(0, Math.floor(order.length / 2)).sort((x, y) => x - y);
    const b = order.slice(a.length).sort((x, y) => x - y);
    cuts.push(a.join(','));
    await d.firewall.partition(a, b);
    await sleep(Math.max(0, start + t + PERIOD_MS - Date.now()));
    await d.firewall.heal();
    progress(PHASE, `flapping ${((Date.now() - start) / 1000).toFixed(0)}/${FLAP_MS / 1000} s`);
    await sleep(Math.max(0, start + t + 2 * PERIOD_MS - Date.now()));
  }
  const healedAt = Date.now();
  let converged: number | undefined;
  while (Date.now() - healedAt < CONVERGE_BOUND_MS) {
    if (oneMesh(d, await snapshot(d)) && d.flowing()) {
      converged = Date.now() - healedAt;
      break;
    }
    await sleep(500);
  }
  results.add({
    phase: PHASE,
    name: 'converged after the flapping: one mesh, every receiver receiving',
    figure: converged === undefined ? `not within ${CONVERGE_BOUND_MS / 1000} s` : `${secs(converged)} after the last heal`,
    goal: `within ${CONVERGE_BOUND_MS / 1000} s`,
    pass: converged !== undefined,
    values: { convergedMs: converged, cutsSideA: cuts },
  });
  await wait(PHASE, 'settling', SETTLE_MS);
  progress(PHASE, `control rate after: ${RATE_WINDOW_MS / 1000} s`);
  const after = await controlRate(d);
  d.pollRecords();
  const end = Date.now();
  const dups = d.records.map((r, i) => [i, r.duplicatesIn(start, end)] as const).filter(([, n]) => n > 0);
  const total = dups.reduce((s, [, n]) => s + n, 0);
  results.add({
    phase: PHASE,
    name: 'duplicate deliveries at any receiver over the phase',
    figure: total === 0 ? '0' : `${total} (${dups.map(([i, n]) => `node ${i}: ${n}`).join(', ')})`,
    goal: '0',
    pass: total === 0,
    values: { duplicates: Object.fromEntries(dups) },
  });
  const ratio = after.rate / Math.max(1e-9, before.rate);
  results.add({
    phase: PHASE,
    name: 'control messages/s of all nodes, after vs before',
    figure: `${after.rate.toFixed(1)}/s vs ${before.rate.toFixed(1)}/s = ${ratio.toFixed(2)}x (${SETTLE_MS / 1000} s after convergence, ${RATE_WINDOW_MS / 1000}-s windows)`,
    goal: `<= ${RATE_FACTOR}x`,
    pass: before.rate > 0 && ratio <= RATE_FACTOR,
    values: { beforePerS: before.rate, afterPerS: after.rate, ratio, nodesBefore: before.nodes, nodesAfter: after.nodes },
  });
}
