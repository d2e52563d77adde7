/**
 * The simulator's data plane: the same ChannelRuntime and service modules the daemon runs, over the simulated
 * underlay. Data packets and module control messages arrive after the one-way latency between SCXs, in order
 * per link (like the daemon's TCP data connections); a crashed SCX neither sends nor receives. With `lossRate`,
 * each data packet is lost on each SCX-to-SCX hop with that probability (seeded); control messages never are.
 * With capacities (`wires`), an overlay link sends one packet at a time at its rate and the rest wait in the
 * channel's scheduler (link-wires.ts); without, links have latency but no bandwidth and queues drain at once.
 */

import { Random } from '../core/random.ts';
import type { Millis } from '../core/time.ts';
import type { GossamerEvent } from '../gossamer/events.ts';
import { encodeDataPacket, type DataPacket } from '../session/data-header.ts';
import { ChannelRuntime } from '../transport/channel-runtime.ts';
import { LOCAL_LINK, type ServiceModuleFactory } from '../transport/service-module.ts';
import { treeViewOf } from '../transport/tree-view.ts';
import type { SimLinkWires } from './link-wires.ts';
import type { Simulation } from './simulation.ts';

/** Options of a simulated channel. */
export interface SimDataPlaneOptions {
  readonly factory: ServiceModuleFactory;
  /** The channel's numeric id. */
  readonly channel: number;
  /** The session id stamped on packets, 16 bytes. */
  readonly sessionId: Uint8Array;
  /** One-way latency between SCX i and SCX j, ms. */
  readonly latencyMs: (i: number, j: number) => number;
  /** Probability that a data packet is lost on one SCX-to-SCX hop, 0..1 (default 0: no loss). */
  readonly lossRate?: number;
  /** Seed of the loss PRNG (default 1). */
  readonly lossSeed?: number;
  /** Whether a data packet sent now from SCX i to SCX j is lost besides `lossRate` (a blackout, say; default: never). */
  readonly lostOnHop?: (i: number, j: number, now: Millis) => boolean;
  /** The simulation's link wires (capacities), shared by its channels; default: links without bandwidth. */
  readonly wires?: SimLinkWires;
  /** This channel's weight among its session's channels, and the session's among the sessions on a link (default 1, 1). */
  readonly weight?: number;
  readonly sessionWeight?: number;
  /** Sees the control bytes SCX i's module sends its local client `client` (undefined: all of them); default: dropped. */
  readonly onClientControl?: (i: number, client: string | undefined, data: Uint8Array) => void;
  /** Sees each packet SCX i delivers to its local clients, when (virtual ms). */
  readonly onDeliver?: (i: number, packet: DataPacket, now: Millis) => void;
}

/** One channel of a simulated session, at every SCX. */
export class SimDataPlane {
  /** What each SCX delivered to its local clients, in order. */
  readonly delivered: DataPacket[][];
  private readonly runtimes: ChannelRuntime[];
  private readonly timerAt: Array<Millis | undefined>;
  private readonly seqs = new Map<number, number>();
  private readonly loss: Random;
  /** Links (i * n + j) whose wire this channel's queue is attached to. */
  private readonly onWire = new Set<number>();
  /** Data packets lost on hops so far (`lossRate`). */
  lost = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly options: SimDataPlaneOptions,
  ) {
    this.runtimes = sim.nodes.map(
      (node) => new ChannelRuntime({ self: node.self, channel: options.channel, factory: options.factory, tree: treeViewOf(node) }),
    );
    this.delivered = sim.nodes.map(() => []);
    this.timerAt = sim.nodes.map(() => undefined);
    const rate = options.lossRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`lossRate must be in [0, 1]: ${rate}`);
    this.loss = new Random(options.lossSeed ?? 1);
  }

  /** The runtime of SCX i (for its counters). */
  runtime(i: number): ChannelRuntime {
    return this.runtimes[i] as ChannelRuntime;
  }

  /** Pass to the Simulation's `onEvent`: feeds SCX i's Gossamer events to its channel. */
  onEvent(i: number, ev: GossamerEvent, now: Millis): void {
    this.runtime(i).onGossamerEvent(now, ev);
    this.flush(i);
  }

  /** The id of the local source at SCX i: the `source` its packets carry, and its attachment's id. */
  sourceClient(i: number): string {
    return `client@${(this.sim.nodes[i] as { self: string }).self}`;
  }

  /** A local client of SCX i sends control bytes to its module, now. */
  clientControl(i: number, client: string, data: Uint8Array): void {
    if (this.sim.faults.isCrashed(i)) return;
    this.runtime(i).receiveClientControl(this.sim.now, client, data);
    this.flush(i);
  }

  /** A local source at SCX i sends the next packet of its sequence, now. */
  send(i: number, payload: Uint8Array = new Uint8Array(0)): void {
    const node = this.sim.nodes[i];
    if (!node || this.sim.faults.isCrashed(i)) return;
    const seq = this.seqs.get(i) ?? 0;
    this.seqs.set(i, (seq + 1) >>> 0);
    const header = {
      sessionId: this.options.sessionId,
      channel: this.options.channel,
      seq,
      timestampMs: this.sim.now,
      source: this.sourceClient(i),
      sourceScx: node.self,
    };
    this.runtime(i).receive(this.sim.now, LOCAL_LINK, encodeDataPacket(header, payload));
    this.flush(i);
  }

  /** Takes SCX i's output: packets and control messages onto the simulated links, deliveries, its timer. */
  private flush(i: number): void {
    const rt = this.runtime(i);
    const self = (this.sim.nodes[i] as { self: string }).self;
    for (let p = rt.pollDelivery(); p; p = rt.pollDelivery()) {
      (this.delivered[i] as DataPacket[]).push(p);
      this.options.onDeliver?.(i, p, this.sim.now);
    }
    for (let c = rt.pollClientControl(); c; c = rt.pollClientControl()) this.options.onClientControl?.(i, c.client, c.data);
    for (const link of rt.takeReady()) {
      const j = this.sim.index(link);
      if (j !== undefined && this.options.wires?.capacity(i, j) !== undefined) {
        this.toWire(i, j, link);
        continue;
      }
      const sent = rt.dequeue(link);
      if (j === undefined) continue;
      const packets = this.survivors(i, j, sent);
      this.after(i, j, () => {
        for (const p of packets) this.runtime(j).receive(this.sim.now, self, p);
      });
    }
    for (let c = rt.pollControl(); c; c = rt.pollControl()) {
      const j = this.sim.index(c.to);
      const data = c.data;
      if (j !== undefined) this.after(i, j, () => this.runtime(j).receiveControl(this.sim.now, self, data));
    }
    const deadline = rt.nextDeadline();
    if (deadline !== undefined && this.timerAt[i] !== deadline) {
      this.timerAt[i] = deadline;
      this.sim.at(Math.max(deadline, this.sim.now), () => {
        if (this.timerAt[i] !== deadline || this.sim.faults.isCrashed(i)) return;
        this.timerAt[i] = undefined;
        rt.handleTimeout(this.sim.now);
        this.flush(i);
      });
    }
  }

  /** SCX i's queue for `link` (SCX j) waits on the wire between them, which pulls it at the link's rate. */
  private toWire(i: number, j: number, link: string): void {
    const wires = this.options.wires as SimLinkWires;
    const key = i * this.runtimes.length + j;
    if (!this.onWire.has(key)) {
      this.onWire.add(key);
      const o = this.options;
      const path = [Buffer.from(o.sessionId).toString('hex'), String(o.channel)];
      const self = (this.sim.nodes[i] as { self: string }).self;
      const member = this.runtime(i).member(link, () => this.sim.now);
      wires.attach(i, j, path, member, [o.sessionWeight ?? 1, o.weight ?? o.factory.scheduler?.channelWeight ?? 1], (packet, departAt) => {
        const kept = this.survivors(i, j, [packet]);
        this.after(i, j, () => kept.forEach((p) => this.runtime(j).receive(this.sim.now, self, p)), departAt - this.sim.now);
      });
    }
    wires.kick(i, j);
  }

  /** The packets that survive the hop from i to j (each lost with probability `lossRate`, or by `lostOnHop`). */
  private survivors(i: number, j: number, packets: DataPacket[]): DataPacket[] {
    const rate = this.options.lossRate ?? 0;
    const lostOnHop = this.options.lostOnHop;
    if (rate === 0 && !lostOnHop) return packets;
    const kept = packets.filter(() => (rate === 0 || this.loss.next() >= rate) && !lostOnHop?.(i, j, this.sim.now));
    this.lost += packets.length - kept.length;
    return kept;
  }

  /** Runs `fn` at SCX j after the latency from i (and `waitMs` more), unless either end has crashed by then. */
  private after(i: number, j: number, fn: () => void, waitMs = 0): void {
    if (this.sim.faults.isCrashed(i)) return;
    this.sim.at(this.sim.now + waitMs + this.options.latencyMs(i, j), () => {
      if (this.sim.faults.isCrashed(j)) return;
      fn();
      this.flush(j);
    });
  }
}
