/**
 * bench:transport section `link-emulator`: how true the link emulator's distances are (docs/link-emulator.md). Four nodes
 * on loopback; A's emulator and each peer's place them 5, 30 and 60 ms one way apart; A's probe module pings them
 * every 200 ms (more than the longest RTT: an echo counts only for the last ping) for 5 s; the median sampled RTT
 * against twice the configured delay (the least is shown too: a release may come up to 1 ms early at each end).
 * Then the driver's CPU per emulated datagram (heap, timer, release), 200k datagrams. Seeded; about 7 s.
 */

import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { EmulatedReceive } from '../../src/daemon/emulated-receive.ts';
import { LinkEmulator, type LinkProfile } from '../../src/daemon/link-emulator.ts';
import { Guard } from '../../src/net/guard.ts';
import { freePort } from '../../src/net/free-port.ts';
import type { Row } from './row.ts';

/** One-way delays from A to each peer, ms. */
const DELAYS_MS = [5, 30, 60];
/** How long A measures, ms. */
const MEASURE_MS = 5000;
/** The median RTT may be off the configured one by this much, ms (two timer hops, loopback, a shared machine). */
const RTT_SLACK_MS = 3;
/** Datagrams through the driver in the cost figure. */
const COST_DATAGRAMS = 200_000;

const link = (delayMs: number): LinkProfile => ({ delayMs, jitterMs: 0, loss: 0, rateKbps: 0 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the section. */
export async function run(opts: { seed: number; onProgress?: (msg: string) => void }): Promise<Row[]> {
  const addresses = await Promise.all([0, ...DELAYS_MS].map(async () => `127.0.0.1:${await freePort()}`));
  const [a, ...peers] = addresses as [string, ...string[]];
  const node = (self: string, rules: Array<[string, number]>, seed: number): ScxNode => {
    const [host, port] = self.split(':') as [string, string];
    return new ScxNode({
      listen: { host, port: Number(port) },
      gossamer: {},
      probe: { intervalMs: 200 },
      seed,
      registry: builtinRegistry(),
      log: () => {},
      emulate: { seed, maxQueueBytes: 1 << 20, peers: rules.map(([peer, d]) => ({ peer, link: link(d) })) },
    });
  };
  const nodeA = node(a, peers.map((p, i) => [p, DELAYS_MS[i] as number]), opts.seed);
  const others = peers.map((p, i) => node(p, [[a, DELAYS_MS[i] as number]], opts.seed + 1 + i));
  const all = [nodeA, ...others];
  const samples = new Map<string, number[]>(peers.map((p) => [p, []]));
  try {
    for (const n of all) await n.start();
    for (const p of peers) nodeA.probe.want(p);
    opts.onProgress?.(`link-emulator: A pings peers ${DELAYS_MS.join(', ')} ms one way apart for ${MEASURE_MS / 1000} s`);
    const seen = new Map<string, number>();
    for (let t = 0; t < MEASURE_MS; t += 50) {
      await sleep(50);
      for (const p of peers) {
        const e = nodeA.probe.cache.get(p);
        if (e?.lastMs === undefined || seen.get(p) === e.received) continue;
        seen.set(p, e.received);
        samples.get(p)?.push(e.lastMs);
      }
    }
  } finally {
    await Promise.all(all.map((n) => n.stop()));
  }
  const rows: Row[] = peers.map((p, i) => {
    const want = 2 * (DELAYS_MS[i] as number);
    const s = (samples.get(p) ?? []).sort((x, y) => x - y);
    const least = s[0];
    const median = s[Math.floor(s.length / 2)];
    return {
      figure: `emulated RTT, configured ${want} ms (least / median of ${s.length} pings)`,
      value: least === undefined ? 'no echo' : `${least.toFixed(2)} / ${(median as number).toFixed(2)} ms`,
      goal: `median within ±${RTT_SLACK_MS} ms of ${want}`,
      pass: median !== undefined && Math.abs(median - want) <= RTT_SLACK_MS,
    };
  });
  rows.push(await driverCost(opts.seed));
  return rows;
}

/** CPU per datagram through the driver (1 ms delay, 1 % loss): hold, timer, release, delivery. */
async function driverCost(seed: number): Promise<Row> {
  const rx = new EmulatedReceive(new LinkEmulator({ seed, maxQueueBytes: 1 << 30, peers: [{ peer: '10.0.0.1:7400', link: { ...link(1), loss: 0.01 } }] }), new Guard(() => {}));
  let delivered = 0;
  const deliver = (): void => void delivered++;
  const cpu = process.cpuUsage();
  for (let i = 0; i < COST_DATAGRAMS; i++) rx.datagram('10.0.0.1:7400', 1000, deliver);
  const held = rx.pending;
  while (rx.pending > 0) await sleep(5);
  const used = process.cpuUsage(cpu);
  const us = (used.user + used.system) / COST_DATAGRAMS;
  rx.close();
  return {
    figure: `link emulator driver: CPU per datagram, admitted to delivered (${COST_DATAGRAMS / 1000}k at once, ${held} held, ${delivered} delivered)`,
    value: `${us.toFixed(2)} us`,
    goal: 'reported',
    pass: undefined,
  };
}
