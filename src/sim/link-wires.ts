/**
 * The simulated overlay links' bandwidth: each directed SCX pair with a capacity is a wire that sends one packet at a
 * time, for its length over the capacity, pulling from the channels that wait on it by their hierarchical fair share
 * (link-share.ts: session -> channel; each channel's classes below). Packets wait in their channel's scheduler until
 * the wire takes them, so queueing delay, queue overflow and `queuedBytes` are real. Shared by every channel plane of
 * one simulation.
 */

import type { Millis } from '../core/time.ts';
import type { DataPacket } from '../session/data-header.ts';
import { LinkShare, type ShareMember } from '../transport/link-share.ts';
import type { Simulation } from './simulation.ts';

/** What a wire does with a packet it took: the channel's plane sends it on, to arrive after `departAt` + latency. */
export type OnSent = (packet: DataPacket, departAt: Millis) => void;

interface Wire {
  readonly bytesPerSec: number;
  readonly share: LinkShare;
  readonly sent: Map<string, OnSent>;
  busyUntil: Millis;
  /** A pump is scheduled at `busyUntil`. */
  armed: boolean;
}

/** The wires of one simulation. */
export class SimLinkWires {
  private readonly wires = new Map<number, Wire>();

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
    const w = this.wire(i, j);
    w.share.attach(path, member, weights);
    w.sent.set(path.join('/'), onSent);
  }

  /** Something waits on the wire from i to j: it starts sending unless busy. */
  kick(i: number, j: number): void {
    const w = this.wires.get(i * this.sim.nodes.length + j);
    if (w) this.pump(w);
  }

  private wire(i: number, j: number): Wire {
    const key = i * this.sim.nodes.length + j;
    let w = this.wires.get(key);
    if (!w) {
      const bytesPerSec = this.bytesPerSec(i, j);
      if (!(bytesPerSec !== undefined && bytesPerSec > 0)) throw new RangeError(`the link ${i}->${j} has no capacity`);
      this.wires.set(key, (w = { bytesPerSec, share: new LinkShare(), sent: new Map(), busyUntil: 0, armed: false }));
    }
    return w;
  }

  /** Sends packets while the wire is free, and comes back when it is free again. */
  private pump(w: Wire): void {
    for (;;) {
      const now = this.sim.now;
      if (now < w.busyUntil) {
        if (w.armed) return;
        w.armed = true;
        this.sim.at(w.busyUntil, () => {
          w.armed = false;
          this.pump(w);
        });
        return;
      }
      const next = w.share.next();
      if (!next) return;
      w.busyUntil = now + (next.packet.bytes.length * 1000) / w.bytesPerSec;
      w.sent.get(next.path.join('/'))?.(next.packet, w.busyUntil);
    }
  }
}
