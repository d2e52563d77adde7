/**
 * Congestion pushback in the simulator (issue 13). A five-SCX tree: source SCX 0 -> relay 1 -> receiver 2 (the fast
 * branch) and relay 3 -> receiver 4 (the slow branch), the overlay links 1->2 and 3->4 with capacities (so a notice
 * about the slow branch percolates through two relays to the source SCX); the local source follows its
 * SCX's congestion notices (src/client/rate-follower.ts, as `scattercast send --rate auto`) from twice the slow
 * bottleneck. Runs: `pushback` (slowest branch) with one bottleneck, to see the source settle and the loss after;
 * `pushback-branch` (per-branch) and `pushback` with a fast and a slow branch, for the fast branch's goodput.
 * Four 40-s streams, about 3-6 s of wall clock.
 */

import type { Millis } from '../../src/core/time.ts';
import { RateFollower } from '../../src/client/rate-follower.ts';
import { PushbackModule, pushback, pushbackBranch } from '../../src/services/pushback/pushback.ts';
import type { DataPacket } from '../../src/session/data-header.ts';
import { SimDataPlane } from '../../src/sim/dataplane.ts';
import { SimLinkWires } from '../../src/sim/link-wires.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import type { ServiceModuleFactory } from '../../src/transport/service-module.ts';
import type { Row } from './row.ts';

/** The slow bottleneck: 1 Mbit/s, bytes/s. */
export const BOTTLENECK = 1e6 / 8;
/** Payload bytes per packet. */
const PAYLOAD = 1000;
/** The stream starts once routes are up, ms. */
const SEND_FROM = 5000;
/** A window of the source's sending rate, ms. */
const WINDOW_MS = 500;
/** A rate within this factor of the goal counts as settled (both ways). */
const SETTLED = 0.15;

/** One run of the tree. */
export interface TreeRun {
  readonly factory: ServiceModuleFactory;
  readonly seed: number;
  /** Capacities of the links 1 -> 2 (the fast branch; undefined: unlimited) and 3 -> 4 (the slow one), bytes/s. */
  readonly fastCap: number | undefined;
  readonly slowCap: number;
  /** What the source sends at without a limit, bytes/s of packets. */
  readonly offer: number;
  /** The rate the source should settle at, bytes/s. */
  readonly goal: number;
  /** How long the stream runs, ms. */
  readonly streamMs: number;
  /** Whether the sender follows the notices (default true; false: it sends at `offer` whatever it is told). */
  readonly follow?: boolean;
}

/** What a run measured. */
export interface TreeResult {
  /** The source's sending rate in each WINDOW_MS window of the stream, bytes/s. */
  readonly sendRates: readonly number[];
  /** Ms from the stream's start until every later window is within SETTLED of the goal; undefined: never. */
  readonly settleMs: number | undefined;
  /** Packets the source sent from settling to 1 s before the end, and how many of them each receiver missed. */
  readonly sentSettled: number;
  readonly lostFast: number;
  readonly lostSlow: number;
  /** Each receiver's goodput over the second half of the stream, bytes/s. */
  readonly goodputFast: number;
  readonly goodputSlow: number;
  /** Notices the source's client got, and packets the link queues dropped when full, all SCXs, whole run. */
  readonly clientNotices: number;
  readonly queueFull: number;
  /** Packets the source sent, and how many its own SCX's pacer dropped. */
  readonly sent: number;
  readonly pacerDrops: number;
}

/** The tree's edges, as `low-high`. */
const EDGES = new Set(['0-1', '1-2', '1-3', '3-4']);

/** One-way latencies: the tree's edges 5 ms, every other pair 40 ms (so routes follow the tree). */
function latencyMs(i: number, j: number): number {
  return EDGES.has(`${Math.min(i, j)}-${Math.max(i, j)}`) ? 5 : 40;
}

/** The receivers measured: the fast branch's and the slow branch's. */
const FAST = 2;
const SLOW = 4;

/** Runs the tree. */
export function runTree(o: TreeRun): TreeResult {
  const packetBytes = PAYLOAD + 40; // the header's size for these ids, near enough for pacing
  const follower = new RateFollower(packetBytes, o.offer / packetBytes);
  let plane: SimDataPlane | undefined;
  const sim = new Simulation({ scxCount: 5, latencyMs, rendezvous: [0], seed: o.seed, onEvent: (i, ev, now) => plane?.onEvent(i, ev, now) });
  const wires = new SimLinkWires(sim, (i, j) => (i === 1 && j === FAST ? o.fastCap : i === 3 && j === SLOW ? o.slowCap : undefined));
  const sentAt: Millis[] = [];
  const got = [new Set<number>(), new Set<number>()];
  const bytesLate = [0, 0];
  const end = SEND_FROM + o.streamMs;
  const onDeliver = (i: number, p: DataPacket, now: Millis): void => {
    const k = i === FAST ? 0 : i === SLOW ? 1 : undefined;
    if (k === undefined) return;
    got[k]!.add(p.header.seq);
    if (now >= SEND_FROM + o.streamMs / 2 && now < end) bytesLate[k]! += p.bytes.length;
  };
  plane = new SimDataPlane(sim, {
    factory: o.factory,
    channel: 1,
    sessionId: new Uint8Array(16),
    latencyMs,
    wires,
    onDeliver,
    onClientControl: (i, _client, data) => void (i === 0 && o.follow !== false && follower.onControl(data)),
  });
  const dp = plane;
  for (let i = 0; i < 5; i++) sim.join(i, i * 100, i === 0);
  const payload = new Uint8Array(PAYLOAD);
  const tick = (): void => {
    if (sim.now >= end) return;
    sentAt.push(sim.now);
    dp.send(0, payload);
    sim.at(sim.now + 1000 / (follower.packetsPerSecond as number), tick);
  };
  sim.at(SEND_FROM, tick);
  sim.runUntil(end + 2000);
  const sendRates: number[] = [];
  for (const t of sentAt) {
    const w = Math.floor((t - SEND_FROM) / WINDOW_MS);
    while (sendRates.length <= w) sendRates.push(0);
    sendRates[w]! += (packetBytes * 1000) / WINDOW_MS;
  }
  let settled = sendRates.length;
  while (settled > 0 && Math.abs(sendRates[settled - 1]! / o.goal - 1) <= SETTLED) settled--;
  const settleMs = settled < sendRates.length ? settled * WINDOW_MS : undefined;
  let sentSettled = 0;
  const lost = [0, 0];
  sentAt.forEach((t, seq) => {
    if (settleMs === undefined || t < SEND_FROM + settleMs || t >= end - 1000) return;
    sentSettled++;
    for (const k of [0, 1]) if (!got[k]!.has(seq)) lost[k]!++;
  });
  let queueFull = 0;
  for (let i = 0; i < 5; i++) queueFull += dp.runtime(i).stats.drops['queue-full'] ?? 0;
  const half = o.streamMs / 2000;
  return {
    sendRates,
    settleMs,
    sentSettled,
    lostFast: lost[0]!,
    lostSlow: lost[1]!,
    goodputFast: bytesLate[0]! / half,
    goodputSlow: bytesLate[1]! / half,
    clientNotices: follower.notices,
    queueFull,
    sent: sentAt.length,
    pacerDrops: (dp.runtime(0).module as PushbackModule).stats.pacerDrops,
  };
}

const kbit = (bytesPerSec: number): string => `${((bytesPerSec * 8) / 1000).toFixed(0)} kbit/s`;
const pct = (n: number, of: number): string => `${of === 0 ? 'n/a' : ((100 * n) / of).toFixed(2)}%`;

/** The pushback section. */
export async function run(opts: { seed: number; onProgress?: (msg: string) => void }): Promise<Row[]> {
  const rows: Row[] = [];
  const streamMs = 40_000;
  opts.onProgress?.('pushback: a source at 2x a 1 Mbit/s bottleneck (policy slowest)');
  const one = runTree({ factory: pushback, seed: opts.seed, fastCap: undefined, slowCap: BOTTLENECK, offer: 2 * BOTTLENECK, goal: BOTTLENECK, streamMs });
  rows.push({
    figure: 'pushback: settle time of a source at 2x its 1 Mbit/s bottleneck (every later 0.5-s window within 15%)',
    value: one.settleMs === undefined ? 'never' : `${(one.settleMs / 1000).toFixed(1)} s (${one.clientNotices} notices to the sender)`,
    goal: '<= 3 s',
    pass: one.settleMs !== undefined && one.settleMs <= 3000,
  });
  rows.push({
    figure: 'pushback: loss after settling, tcp links (bottleneck receiver / other receiver)',
    value: `${pct(one.lostSlow, one.sentSettled)} / ${pct(one.lostFast, one.sentSettled)} of ${one.sentSettled} packets (queue-full drops, whole run: ${one.queueFull})`,
    goal: '< 1%',
    pass: one.sentSettled > 0 && one.lostSlow / one.sentSettled < 0.01 && one.lostFast / one.sentSettled < 0.01,
  });
  rows.push({
    figure: 'pushback: bottleneck receiver goodput, second half of the stream',
    value: `${kbit(one.goodputSlow)} (${((100 * one.goodputSlow) / BOTTLENECK).toFixed(0)}% of the bottleneck)`,
    goal: 'reported',
    pass: undefined,
  });
  const deaf = runTree({ factory: pushback, seed: opts.seed, fastCap: undefined, slowCap: BOTTLENECK, offer: 2 * BOTTLENECK, goal: BOTTLENECK, streamMs, follow: false });
  rows.push({
    figure: 'pushback, a sender ignoring the notices at 2x: its SCX paces it (bottleneck receiver goodput; dropped at the source SCX; queue-full in the tree)',
    value: `${kbit(deaf.goodputSlow)}; ${pct(deaf.pacerDrops, deaf.sent)} of its packets; ${deaf.queueFull}`,
    goal: 'reported',
    pass: undefined,
  });
  opts.onProgress?.('pushback: a 2 Mbit/s branch beside a 1 Mbit/s one, source offering 3 Mbit/s');
  const branches = { seed: opts.seed, fastCap: 2 * BOTTLENECK, slowCap: BOTTLENECK, offer: 3 * BOTTLENECK, streamMs };
  const per = runTree({ factory: pushbackBranch, goal: 2 * BOTTLENECK, ...branches });
  rows.push({
    figure: 'pushback-branch (per-branch, drop-oldest): fast branch goodput beside a slow one (2 and 1 Mbit/s)',
    value: `${kbit(per.goodputFast)} (${((100 * per.goodputFast) / (2 * BOTTLENECK)).toFixed(0)}% of its 2 Mbit/s); slow branch ${kbit(per.goodputSlow)}, loss ${pct(per.lostSlow, per.sentSettled)}`,
    goal: '>= 90% of its own bottleneck',
    pass: per.goodputFast >= 0.9 * 2 * BOTTLENECK,
  });
  const slow = runTree({ factory: pushback, goal: BOTTLENECK, ...branches });
  rows.push({
    figure: 'pushback (slowest, drop-tail) on the same tree: fast branch goodput / loss after settling',
    value: `${kbit(slow.goodputFast)} (follows the slow branch); loss ${pct(slow.lostFast, slow.sentSettled)} / ${pct(slow.lostSlow, slow.sentSettled)}`,
    goal: 'reported',
    pass: undefined,
  });
  return rows;
}
