/**
 * One measurement point: a fresh server, its source, then `count` listeners, a settling pause and the window.
 * The server's CPU (its process trees, utime + stime) and RSS are read from /proc around the window; RSS per
 * listener is the growth over the idle server (source connected, burst buffer full) divided by the listeners.
 */

import { systemCpu } from '../bench-dataplane/procs.ts';
import { sleep } from '../bench-dataplane/util.ts';
import { ListenerFleet, type FleetResult } from './fleet.ts';
import { progress } from './log.ts';
import { cpuByPid, cpuSince, listenCounters, rssBytes } from './proc-tree.ts';
import type { RadioServer } from './server.ts';
import type { Source } from './ffmpeg-source.ts';

/** The stream's nominal rate: 128 kbit/s, in bytes/s. */
export const STREAM_BYTES_PER_S = 16_000;

/** How a point runs. */
export interface PointPlan {
  readonly count: number;
  /** The measurement window, s. */
  readonly windowS: number;
  /** Connects per second over the whole fleet. */
  readonly ratePerS: number;
  /** Pause after the source is up, so the server's burst buffer is full before anyone tunes in, ms. */
  readonly fillMs: number;
  /** Pause between the last listener streaming and the window, ms. */
  readonly settleMs: number;
  /** A listener without its 200 header this long after its connect counts as failed, ms. */
  readonly headerTimeoutMs: number;
}

/** What one point measured. */
export interface PointResult {
  readonly server: string;
  readonly count: number;
  /** CPU of the serving processes over the window, cores (1 = one core busy), all nodes. */
  readonly serverCores: number;
  /** The same, per node. */
  readonly nodeCores: number[];
  readonly idleRssBytes: number;
  /** RSS of the serving processes at the end of the window. */
  readonly rssBytes: number;
  /** (rss - idle) / listeners streaming, bytes. */
  readonly rssPerListenerBytes: number;
  /** CPU of the listener processes over the window, cores. */
  readonly clientCores: number;
  /** Busy cores of the whole machine over the window. */
  readonly machineCores: number;
  /** Cores used over the window by everything but the server, the listeners and the bench: other work that disturbs the figures. */
  readonly otherCores: number;
  /** Connection attempts the kernel refused during the point: accept queue full, SYNs dropped. */
  readonly listenOverflows: number;
  readonly listenDrops: number;
  readonly fleet: FleetResult;
}

/** Hooks of a point: what runs between the source starting and the listeners (the overlay's delay probes). */
export interface PointHooks {
  /** Called once the source is up; the window's start and end are announced to what it returns. */
  afterSource?(server: RadioServer): Promise<{ windowStart(): void; windowEnd(): void; close(): void }>;
}

/** Runs one point on a server made by `start`, fed by `feed`; stops both whatever happens. */
export async function runPoint(
  start: () => Promise<RadioServer>,
  feed: (server: RadioServer) => Promise<Source>,
  plan: PointPlan,
  hooks: PointHooks = {},
): Promise<PointResult> {
  const server = await start();
  try {
    const source = await feed(server);
    try {
      const window = await hooks.afterSource?.(server);
      try {
        await sleep(plan.fillMs);
        const idleRssBytes = rssBytes(server.pids().flat());
        const listen0 = listenCounters();
        progress(`${server.name}: ${plan.count} listeners at ${plan.ratePerS}/s (idle RSS ${(idleRssBytes / 2 ** 20).toFixed(1)} MiB)`);
        const fleet = await ListenerFleet.start({
          targets: server.endpoints,
          count: plan.count,
          ratePerS: plan.ratePerS,
          headerTimeoutMs: plan.headerTimeoutMs,
          streamBytesPerS: STREAM_BYTES_PER_S,
        });
        try {
          await sleep(plan.settleMs);
          progress(`${server.name}: ${plan.count} listeners, ${plan.windowS} s window`);
          const nodes0 = server.pids().map(cpuByPid);
          const clients0 = cpuByPid(fleet.pids());
          const machine = systemCpu([...server.pids().flat(), ...fleet.pids()]);
          const t0 = performance.now();
          fleet.mark();
          window?.windowStart();
          await sleep(plan.windowS * 1000);
          const nodes1 = server.pids().map(cpuByPid);
          const clients1 = cpuByPid(fleet.pids());
          const secs = (performance.now() - t0) / 1000;
          const { machineCores, otherCores } = machine();
          const rss = rssBytes(server.pids().flat());
          window?.windowEnd();
          const result = await fleet.report();
          const listen1 = listenCounters();
          const nodeCores = nodes1.map((after, i) => cpuSince(nodes0[i] ?? new Map(), after) / secs);
          return {
            server: server.name,
            count: plan.count,
            serverCores: nodeCores.reduce((a, b) => a + b, 0),
            nodeCores,
            idleRssBytes,
            rssBytes: rss,
            rssPerListenerBytes: result.streaming > 0 ? (rss - idleRssBytes) / result.streaming : NaN,
            clientCores: cpuSince(clients0, clients1) / secs,
            machineCores,
            otherCores,
            listenOverflows: listen1.overflows - listen0.overflows,
            listenDrops: listen1.drops - listen0.drops,
            fleet: result,
          };
        } finally {
          await fleet.stop();
        }
      } finally {
        window?.close();
      }
    } finally {
      await source.stop();
    }
  } finally {
    await server.stop();
  }
}
