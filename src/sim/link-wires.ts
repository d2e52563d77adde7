/**
 * The simulated overlay links' bandwidth: each directed SCX pair with a capacity is a LinkWire (transport/link-wire.ts)
 * that sends one packet at a time, for its length over the capacity, pulling from the channels that wait on it by
 * their hierarchical fair share (session -> channel; each channel's classes below). Packets wait in their channel's
 * scheduler until the wire takes them, so queueing delay, queue overflow and `queuedBytes` are real. Shared by every
 * channel plane of one simulation.
 */

import type { Millis } from '../core/time.ts';
import type { DataPacket } from '../session/data-header.ts';
import type { ShareMember } from '../transport/link-share.ts';
import { LinkWire } from '../transport/link-wire.ts';
import type { Simulation } from './simulation.ts';

/** What a wire does with a packet it took: the channel's plane sends it on, to arrive after `departAt` + latency. */
export type OnSent = (packet: DataPacket, departAt: Millis) => void;

interface SimWire {
  readonly wire: LinkWire;
  readonly sent: Map<string, OnSent>;
  /** When the pump is scheduled next, if it is. */
  armedAt: Millis | undefined;
}

/** The wires of one simulation. */
export class SimLinkWires {
  private readonly wires = new Map<number, SimWire>();

  constructor(
    private readonly sim: Simulation,
    /** Capacity of the overlay link from SCX i to SCX j, bytes/s; undefined: no bandwidth limit. */
    private readonly bytesPerSec: (i: number, j: number) => number | undefined,
  ) {}

  /** The capacity from i to j, bytes/s; undefined when unlimited. */
  capacity(i: number, j: number): number | undefined {
    return this.bytesPerSec(i, j);
  }

  /** Puts `member` (a channel's queue, at `path` [session, channel]) on the wire from i to j, with each level's weight. */
  attach(i: number, j: number, path: readonly string[], member: ShareMember, weights: readonly number[], onSent: OnSent): void {
    const key = i * this.sim.nodes.length + j;
    let w = this.wires.get(key);
    if (!w) {
      const rate = this.bytesPerSec(i, j);
      if (rate === undefined) throw new RangeError(`the link ${i}->${j} has no capacity`);
      this.wires.set(key, (w = { wire: new LinkWire(rate), sent: new Map(), armedAt: undefined }));
    }
    w.wire.share.attach(path, member, weights);
    w.sent.set(path.join('/'), onSent);
  }

  /** Something waits on the wire from i to j: it starts sending unless busy. */
  kick(i: number, j: number): void {
    const w = this.wires.get(i * this.sim.nodes.length + j);
    if (w) this.pump(w);
  }

  /** Sends what the wire can now, and comes back when it is free again. */
  private pump(w: SimWire): void {
    const again = w.wire.pump(this.sim.now, (p, departAt) => w.sent.get(p.path.join('/'))?.(p.packet, departAt));
    if (again === undefined || w.armedAt === again) return;
    w.armedAt = again;
    this.sim.at(again, () => {
      if (w.armedAt !== again) return;
      w.armedAt = undefined;
      this.pump(w);
    });
  }
}
