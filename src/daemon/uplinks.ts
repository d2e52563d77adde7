/**
 * A node's paced uplinks (config `uplinks`): to a peer with a rate, data leaves one packet at a time at that rate,
 * the next chosen by the link's hierarchical fair share across sessions (weights from the config) and channels
 * (weights from their modules), each channel's traffic classes below (transport/link-wire.ts, the same object the
 * simulator's capacities run). A channel's queue is pulled only while its data connection can take more.
 */

import type { Millis } from '../core/time.ts';
import type { DataPacket } from '../session/data-header.ts';
import { sessionIdHex } from '../session/name.ts';
import type { ChannelRuntime } from '../transport/channel-runtime.ts';
import type { ShareMember } from '../transport/link-share.ts';
import { LinkWire } from '../transport/link-wire.ts';
import { monotonicMs } from './clock.ts';
import type { UplinkConfig } from './uplinks-config.ts';

/** A late timer may send this much link time at once, ms: the pacing's burst. */
const BURST_MS = 10;

/** Writes one paced packet of `channel` of session `sessionHex` to `peer`. */
export type PacedWrite = (peer: string, sessionHex: string, channel: number, packet: DataPacket) => void;

interface Uplink {
  readonly wire: LinkWire;
  timer: NodeJS.Timeout | undefined;
  timerAt: Millis | undefined;
}

/** The paced uplinks of a node. */
export class Uplinks {
  private readonly links = new Map<string, Uplink>();
  /** The channels on each uplink: `peer|session|channel`. */
  private readonly attached = new Set<string>();
  private readonly peerKbps: ReadonlyMap<string, number>;
  private readonly sessionWeights: ReadonlyMap<string, number>;
  /** Packets sent through paced uplinks, in all. */
  packets = 0;

  constructor(
    private readonly config: UplinkConfig | undefined,
    private readonly write: PacedWrite,
    /** Runs a timer's work guarded (the node's guard). */
    private readonly wrap: (fn: () => void) => () => void = (fn) => fn,
  ) {
    this.peerKbps = new Map((config?.peers ?? []).map((p) => [p.peer, p.rateKbps]));
    this.sessionWeights = new Map((config?.sessions ?? []).map((s) => [sessionIdHex(s.session), s.weight]));
  }

  /** The rate of the uplink to `peer`, bytes/s; undefined when it is not paced. */
  rateOf(peer: string): number | undefined {
    const kbps = this.peerKbps.get(peer) ?? this.config?.rateKbps;
    return kbps === undefined ? undefined : (kbps * 1000) / 8;
  }

  /**
   * Puts `runtime`'s queue for `peer` on the paced uplink (once; later calls re-kick it) and sends what the link can
   * now. `writable`: whether the channel's data connection takes more (the queue waits while it does not).
   */
  offer(peer: string, sessionHex: string, channel: number, runtime: ChannelRuntime, writable: () => boolean): void {
    let link = this.links.get(peer);
    if (!link) {
      link = { wire: new LinkWire(this.rateOf(peer) as number, BURST_MS), timer: undefined, timerAt: undefined };
      this.links.set(peer, link);
    }
    const key = `${peer}|${sessionHex}|${channel}`;
    if (!this.attached.has(key)) {
      this.attached.add(key);
      const member = runtime.member(peer, monotonicMs);
      const gated: ShareMember = {
        get length() {
          return writable() ? member.length : 0;
        },
        dequeue: () => member.dequeue(),
      };
      const weights = [this.sessionWeights.get(sessionHex) ?? 1, runtime.factory.scheduler?.channelWeight ?? 1];
      link.wire.share.attach([sessionHex, String(channel)], gated, weights);
    }
    this.pump(peer, link);
  }

  /** A session ended here: its channels leave every uplink. */
  forgetSession(sessionHex: string, channels: Iterable<number>): void {
    const list = [...channels];
    for (const [peer, link] of this.links) {
      for (const c of list) {
        link.wire.share.detach([sessionHex, String(c)]);
        this.attached.delete(`${peer}|${sessionHex}|${c}`);
      }
    }
  }

  /** The peers with a paced uplink in use. */
  peers(): string[] {
    return [...this.links.keys()];
  }

  /** Stops every timer. */
  close(): void {
    for (const link of this.links.values()) clearTimeout(link.timer);
  }

  private pump(peer: string, link: Uplink): void {
    const again = link.wire.pump(monotonicMs(), (p) => {
      this.packets++;
      this.write(peer, p.path[0] as string, Number(p.path[1]), p.packet);
    });
    if (again === undefined || again === link.timerAt) return;
    clearTimeout(link.timer);
    link.timerAt = again;
    link.timer = setTimeout(
      this.wrap(() => {
        link.timer = link.timerAt = undefined;
        this.pump(peer, link);
      }),
      Math.max(0, again - monotonicMs()),
    );
  }
}
