import { Random } from '../core/random.ts';
import type { Millis } from '../core/time.ts';
import type { GossamerConfig } from '../gossamer/config.ts';
import type { GossamerEvent } from '../gossamer/events.ts';
import { GossamerNode } from '../gossamer/node.ts';
import type { ScxId } from '../gossamer/wire/messages.ts';
import { EventQueue } from './event-queue.ts';
import { Faults } from './faults.ts';

/** Options of a simulated session. */
export interface SimulationOptions {
  /** Number of SCXs; SCX i has id `scxId(i)`. */
  readonly scxCount: number;
  /** One-way latency between SCX i and SCX j, ms (the underlay's shortest path). */
  readonly latencyMs: (i: number, j: number) => number;
  /** Indices of the rendezvous SCXs. */
  readonly rendezvous: readonly number[];
  /** Seed of the run: every node's PRNG and the fault PRNG derive from it. */
  readonly seed: number;
  /** Protocol overrides for every node. */
  readonly config?: Partial<GossamerConfig>;
  /** Called for every event a node emits. */
  readonly onEvent?: (scx: number, event: GossamerEvent, now: Millis) => void;
}

type Action =
  | { readonly kind: 'deliver'; readonly from: number; readonly to: number; readonly data: Uint8Array }
  | { readonly kind: 'timer'; readonly scx: number }
  | { readonly kind: 'call'; readonly fn: () => void };

/** The simulator's name for SCX i. */
export function scxId(i: number): ScxId {
  return `s${i}`;
}

/**
 * A discrete-event simulation of one session: real GossamerNode objects exchange real encoded messages that
 * arrive after the underlay latency. Virtual time only; deterministic from the seed.
 */
export class Simulation {
  readonly nodes: GossamerNode[];
  readonly faults = new Faults();
  now: Millis = 0;
  /** Events processed so far. */
  processed = 0;

  private readonly queue = new EventQueue<Action>();
  private readonly timerAt: Array<Millis | undefined>;
  private readonly indexOf = new Map<ScxId, number>();
  private readonly rng: Random;

  constructor(private readonly options: SimulationOptions) {
    const master = new Random(options.seed);
    this.rng = master.fork();
    const rendezvous = options.rendezvous.map(scxId);
    this.nodes = [];
    for (let i = 0; i < options.scxCount; i++) {
      const id = scxId(i);
      this.indexOf.set(id, i);
      this.nodes.push(new GossamerNode({ id, rendezvous, seed: master.nextUint32(), config: options.config }));
    }
    this.timerAt = new Array<Millis | undefined>(options.scxCount).fill(undefined);
  }

  /** The index of the SCX with this id. */
  index(id: ScxId): number | undefined {
    return this.indexOf.get(id);
  }

  /** Runs `fn` at virtual time `at` (it may drive nodes; their output is then taken). */
  at(at: Millis, fn: () => void): void {
    this.queue.push(at, { kind: 'call', fn });
  }

  /** SCX i joins at `at`, and announces itself as a source if `source`. */
  join(i: number, at: Millis, source = false): void {
    this.at(at, () => {
      const node = this.node(i);
      node.start(this.now);
      if (source) node.becomeSource(this.now);
      this.flush(i);
    });
  }

  /** SCX i leaves gracefully at `at` (floods LEAVE). */
  leave(i: number, at: Millis): void {
    this.at(at, () => {
      this.node(i).leave(this.now);
      this.flush(i);
      this.faults.crash(i);
    });
  }

  /** SCX i crashes silently at `at`. */
  crash(i: number, at: Millis): void {
    this.at(at, () => this.faults.crash(i));
  }

  /** Processes one event; false when none is left. */
  step(): boolean {
    const e = this.queue.pop();
    if (!e) return false;
    this.now = e.at;
    this.processed++;
    const a = e.item;
    switch (a.kind) {
      case 'deliver':
        if (this.faults.isCrashed(a.to)) return true;
        this.node(a.to).handleMessage(this.now, (this.nodes[a.from] as GossamerNode).self, a.data);
        this.flush(a.to);
        return true;
      case 'timer':
        if (this.timerAt[a.scx] !== e.at) return true;
        this.timerAt[a.scx] = undefined;
        if (this.faults.isCrashed(a.scx)) return true;
        this.node(a.scx).handleTimeout(this.now);
        this.flush(a.scx);
        return true;
      case 'call':
        a.fn();
        return true;
    }
  }

  /** Runs until virtual time `until` (events at exactly `until` included) or `stop()` says so. */
  runUntil(until: Millis, stop?: () => boolean): void {
    for (;;) {
      const t = this.queue.peekTime();
      if (t === undefined || t > until) break;
      this.step();
      if (stop?.()) return;
    }
    if (this.now < until) this.now = until;
  }

  private node(i: number): GossamerNode {
    return this.nodes[i] as GossamerNode;
  }

  /** Takes a node's output: events (serving link-cost requests like a probe module would), messages, its timer. */
  private flush(i: number): void {
    const node = this.node(i);
    for (;;) {
      let moved = false;
      for (let ev = node.pollEvent(); ev; ev = node.pollEvent()) {
        moved = true;
        if (ev.type === 'link-cost-wanted') {
          const j = this.indexOf.get(ev.peer);
          if (j !== undefined) node.setLinkCost(ev.peer, this.options.latencyMs(i, j));
        }
        this.options.onEvent?.(i, ev, this.now);
      }
      for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
        moved = true;
        const j = this.indexOf.get(t.to);
        if (j === undefined || this.faults.drops(i, j, this.rng)) continue;
        this.queue.push(this.now + this.options.latencyMs(i, j), { kind: 'deliver', from: i, to: j, data: t.data });
      }
      if (!moved) break;
    }
    const deadline = node.nextDeadline();
    if (deadline === undefined) return;
    const at = Math.max(deadline, this.now);
    const scheduled = this.timerAt[i];
    if (scheduled === undefined || at < scheduled) {
      this.timerAt[i] = at;
      this.queue.push(at, { kind: 'timer', scx: i });
    }
  }
}
