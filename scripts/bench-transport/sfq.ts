/**
 * Hierarchical SFQ on a simulated bottleneck (protocol behaviour, so the simulator): sessions and channels sharing
 * one 10 Mbit/s overlay link, the `forward` module at both ends, the link's fair share (src/transport/link-share.ts)
 * deciding what goes next. Two runs: three saturating sessions weighted 1:2:1, and a 64 kbit/s channel beside a
 * bulk channel of the same session. About 10 s of wall clock.
 */

import { Random } from '../../src/core/random.ts';
import type { DataPacket } from '../../src/session/data-header.ts';
import { forwardTcp } from '../../src/services/forward/forward.ts';
import { SimDataPlane } from '../../src/sim/dataplane.ts';
import { SimLinkWires } from '../../src/sim/link-wires.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import { percentile } from '../chaos/goals.ts';
import type { Row } from './row.ts';

/** The bottleneck: 10 Mbit/s, bytes/s. */
const BOTTLENECK = 10e6 / 8;
/** One-way latency between the two SCXs, ms. */
const LATENCY_MS = 20;
/** Sources start once the two SCXs have routes, and are measured from MEASURE_FROM to SEND_UNTIL, ms. */
const SEND_FROM = 3000;
const MEASURE_FROM = 6000;
const SEND_UNTIL = 16_000;

interface Flow {
  /** The flow's session and channel. */
  readonly session: number;
  readonly channel: number;
  readonly sessionWeight: number;
  readonly weight: number;
  /** Payload bytes per packet, and packets per second. */
  readonly payload: number;
  readonly perSecond: number;
}

interface FlowResult {
  /** Bytes of the flow SCX 1 received in the measured window. */
  bytes: number;
  /** Queueing delay of each packet that arrived in the window, ms (arrival - send - latency - own transmission). */
  readonly delays: number[];
}

/** Two SCXs, the flows from SCX 0 to SCX 1 on one wire of BOTTLENECK; each flow's share of the window. */
function runFlows(seed: number, flows: readonly Flow[]): FlowResult[] {
  const latencyMs = (): number => LATENCY_MS;
  const planes: SimDataPlane[] = [];
  const results: FlowResult[] = flows.map(() => ({ bytes: 0, delays: [] }));
  const sim = new Simulation({ scxCount: 2, latencyMs, rendezvous: [0], seed, onEvent: (i, ev, now) => planes.forEach((p) => p.onEvent(i, ev, now)) });
  const wires = new SimLinkWires(sim, () => BOTTLENECK);
  flows.forEach((f, k) => {
    const sessionId = new Uint8Array(16).fill(f.session);
    const onDeliver = (i: number, p: DataPacket, now: number): void => {
      // The window is on arrival: while every flow is backlogged, what the link carried of each is its share.
      if (i !== 1 || now < MEASURE_FROM || now >= SEND_UNTIL) return;
      const r = results[k] as FlowResult;
      r.bytes += p.bytes.length;
      r.delays.push(now - p.header.timestampMs - LATENCY_MS - (p.bytes.length * 1000) / BOTTLENECK);
    };
    planes.push(
      new SimDataPlane(sim, { factory: forwardTcp, channel: f.channel, sessionId, latencyMs, wires, sessionWeight: f.sessionWeight, weight: f.weight, onDeliver }),
    );
  });
  sim.join(0, 0, true);
  sim.join(1, 100, false);
  // Each flow sends on its own clock, its phase seeded, so no two flows' packets are in lockstep.
  const rng = new Random(seed);
  flows.forEach((f, k) => {
    const payload = new Uint8Array(f.payload);
    const gap = 1000 / f.perSecond;
    for (let t = SEND_FROM + rng.next() * gap; t < SEND_UNTIL; t += gap) sim.at(t, () => (planes[k] as SimDataPlane).send(0, payload));
  });
  sim.runUntil(SEND_UNTIL + 5000);
  return results;
}

/** Runs both experiments. */
export async function run(opts: { seed: number; onProgress?: (msg: string) => void }): Promise<Row[]> {
  const rows: Row[] = [];
  opts.onProgress?.('sfq: three sessions weighted 1:2:1 on a 10 Mbit/s link');
  // Each session offers 8 Mbit/s: 24 Mbit/s on a 10 Mbit/s link.
  const sessions = runFlows(opts.seed, [1, 2, 1].map((w, k) => ({ session: k + 1, channel: 1, sessionWeight: w, weight: 1, payload: 1200, perSecond: 8e6 / 8 / 1200 })));
  const total = sessions.reduce((n, r) => n + r.bytes, 0);
  const shares = sessions.map((r) => r.bytes / total);
  const worst = Math.max(...shares.map((s, k) => Math.abs(s - ([0.25, 0.5, 0.25][k] as number))));
  rows.push({
    figure: 'H-SFQ: shares of 3 sessions (weights 1:2:1) saturating 10 Mbit/s',
    value: shares.map((s) => `${(s * 100).toFixed(1)}%`).join(' / ') + ` (link ${((total * 8) / ((SEND_UNTIL - MEASURE_FROM) * 1000)).toFixed(2)} Mbit/s)`,
    goal: 'each within 5 points of 25/50/25',
    pass: worst <= 0.05,
  });
  opts.onProgress?.('sfq: a 64 kbit/s channel beside a bulk channel');
  // 64 kbit/s as 160-byte payloads every 20 ms (G.711-like), beside a bulk channel offering 20 Mbit/s.
  const [voice, bulk] = runFlows(opts.seed + 1, [
    { session: 1, channel: 1, sessionWeight: 1, weight: 1, payload: 160, perSecond: 50 },
    { session: 1, channel: 2, sessionWeight: 1, weight: 1, payload: 1200, perSecond: 20e6 / 8 / 1200 },
  ]) as [FlowResult, FlowResult];
  rows.push({
    figure: 'H-SFQ: queueing delay of a 64 kbit/s channel beside a bulk one (p50 / p99 / max)',
    value: `${(percentile(voice.delays, 50) ?? NaN).toFixed(2)} / ${(percentile(voice.delays, 99) ?? NaN).toFixed(2)} / ${Math.max(...voice.delays).toFixed(2)} ms (bulk got ${((bulk.bytes * 8) / ((SEND_UNTIL - MEASURE_FROM) * 1000)).toFixed(2)} Mbit/s)`,
    goal: 'max < 20 ms',
    pass: voice.delays.length > 0 && Math.max(...voice.delays) < 20,
  });
  return rows;
}
