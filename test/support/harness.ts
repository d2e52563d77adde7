import type { Millis } from '../../src/core/time.ts';
import type { GossamerConfig } from '../../src/gossamer/config.ts';
import type { GossamerEvent } from '../../src/gossamer/events.ts';
import type { GossamerNode } from '../../src/gossamer/node.ts';
import { Simulation, scxId } from '../../src/sim/simulation.ts';

/** An event a node emitted, with who and when. */
export interface Logged {
  readonly scx: number;
  readonly at: Millis;
  readonly event: GossamerEvent;
}

/** Options of a small test mesh. */
export interface HarnessOptions {
  /** One-way latency between SCX i and j, ms; default 10 for every pair. */
  readonly latencyMs?: (i: number, j: number) => number;
  readonly rendezvous?: readonly number[];
  readonly seed?: number;
  readonly config?: Partial<GossamerConfig>;
}

/**
 * A few Gossamer nodes over fake links with fixed latencies: the same simulator as the experiments, with an
 * event log and short-hands for exact protocol tests (after quinn-proto's Pair and h11's ConnectionPair).
 */
export class Harness {
  readonly sim: Simulation;
  readonly log: Logged[] = [];

  constructor(readonly size: number, options: HarnessOptions = {}) {
    this.sim = new Simulation({
      scxCount: size,
      latencyMs: options.latencyMs ?? (() => 10),
      rendezvous: options.rendezvous ?? [0],
      seed: options.seed ?? 1,
      config: options.config,
      onEvent: (scx, event, at) => this.log.push({ scx, at, event }),
    });
  }

  /** Node i. */
  node(i: number): GossamerNode {
    return this.sim.nodes[i] as GossamerNode;
  }

  /** Id of node i. */
  id(i: number): string {
    return scxId(i);
  }

  /** Every node joins at time 0 (rendezvous first); `sources` announce themselves. */
  joinAll(sources: readonly number[] = []): this {
    for (let i = 0; i < this.size; i++) this.sim.join(i, i === 0 ? 0 : 1 + i, sources.includes(i));
    return this;
  }

  /** Runs until virtual time `untilMs`. */
  drive(untilMs: Millis): this {
    this.sim.runUntil(untilMs);
    return this;
  }

  /** Events of one type (optionally of one node), in order. */
  events<T extends GossamerEvent['type']>(type: T, scx?: number): Array<Logged & { event: Extract<GossamerEvent, { type: T }> }> {
    return this.log.filter((l) => l.event.type === type && (scx === undefined || l.scx === scx)) as Array<
      Logged & { event: Extract<GossamerEvent, { type: T }> }
    >;
  }

  /** The mesh as an undirected edge set "a|b" (a < b), checked for symmetry: both ends must agree. */
  edges(alive: (i: number) => boolean = () => true): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < this.size; i++) {
      if (!alive(i)) continue;
      for (const peer of this.node(i).neighbours.ids()) {
        const j = this.sim.index(peer) as number;
        if (!alive(j)) continue;
        out.add(i < j ? `${i}|${j}` : `${j}|${i}`);
      }
    }
    return out;
  }

  /** Whether the live nodes' mesh is connected. */
  connected(alive: (i: number) => boolean = () => true): boolean {
    const live = Array.from({ length: this.size }, (_, i) => i).filter(alive);
    if (live.length === 0) return true;
    const seen = new Set<number>([live[0] as number]);
    const stack = [live[0] as number];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (const peer of this.node(i).neighbours.ids()) {
        const j = this.sim.index(peer) as number;
        if (alive(j) && !seen.has(j)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
    return seen.size === live.length;
  }
}
