/** What every phase gets, and the set-up each one starts from: every node running and every receiver receiving. */

import type { Deployment } from '../deployment.ts';
import type { Results } from '../goals.ts';
import type { Rng } from '../rng.ts';
import { progress, until } from '../wait.ts';

/** The effective config the phases' goals depend on (from `scattercast node --print-config`). */
export interface Effective {
  readonly heartbeatIntervalMs: number;
  readonly connectionsTotal: number;
  readonly maxFrameBytes: number;
}

export interface PhaseContext {
  readonly d: Deployment;
  readonly results: Results;
  readonly rng: Rng;
  readonly effective: Effective;
}

/** Bound on every node (re)starting and every receiver receiving, ms. */
const READY_BOUND_MS = 90_000;

/**
 * Restarts the nodes that are down and waits until every receiver receives. False (and a note) when they do not
 * within the bound: the phase still runs, on what there is, and says so.
 */
export async function allReceiving(phase: string, ctx: PhaseContext): Promise<boolean> {
  const down = Array.from({ length: ctx.d.n }, (_, i) => i).filter((i) => !ctx.d.alive(i));
  if (down.length > 0) {
    progress(phase, `${phase === 'start' ? 'starting' : 'restarting'} node(s) ${down.join(', ')}`);
    for (const i of down) ctx.d.start(i);
  }
  const took = await until(READY_BOUND_MS, () => ctx.d.live().length === ctx.d.n && ctx.d.flowing(), 500);
  if (took === undefined) {
    const deaf = ctx.d.live().filter((i) => !ctx.d.flowing([i]));
    ctx.results.note(phase, `set-up: not every receiver received within ${READY_BOUND_MS / 1000} s (live ${ctx.d.live().length}/${ctx.d.n}, silent: ${deaf.join(', ') || 'none'}); measured anyway`);
    return false;
  }
  return true;
}
