/** ScxNodes in the test's process on loopback, with a mesh that holds still once built, and a polling wait. */

import assert from 'node:assert/strict';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { PROFILES } from '../../src/gossamer/profiles.ts';
import type { ServiceRegistry } from '../../src/transport/registry.ts';

/**
 * The tuned profile with the mesh held still once built (no optimisation round, re-measured latencies do not
 * move routes): loopback latencies are all alike and noisy, and route changes are the simulator test's job.
 */
export const STEADY = { ...PROFILES.tuned, probeIntervalMs: 600_000, probeIntervalMaxMs: 600_000, linkCostChangeFraction: 1000 };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check()` holds, polling every 50 ms; fails the test naming `what` after `ms`. */
export async function until(what: string, ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(50);
  }
  assert.fail(`timed out after ${ms} ms waiting for ${what}`);
}

/** Starts node i (seed i + 1, insecure, STEADY) on a free loopback port: the address is the node's identity, so port 0 will not do. */
export async function startSteadyNode(i: number, registry: ServiceRegistry): Promise<ScxNode> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const node = new ScxNode({ listen: { host: '127.0.0.1', port }, gossamer: STEADY, probe: { intervalMs: 500 }, seed: i + 1, registry, log: () => undefined });
    try {
      await node.start();
      return node;
    } catch (err) {
      await node.stop().catch(() => undefined);
      if (!String((err as Error).message).includes('EADDRINUSE') || attempt >= 20) throw err;
    }
  }
}
