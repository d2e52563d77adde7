/**
 * Which stream each downstream link of a source gets, and the transcoders that make the lower tiers (paper 6.6.1).
 * A link at tier t gets a stream of tier ti as it came when t <= ti (it cannot get better than what arrives here);
 * else the stream transcoded to t by ONE transcoder per (input stream, tier) at this SCX, shared by every link at t.
 * Make-before-break: after a change a link goes on getting its previous stream (`live`) until the new one has its
 * first packet. A transcoder no link uses (its tier or its `live`) is closed.
 */

import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { LinkId } from '../../transport/service-module.ts';
import type { RtpStats } from './stats.ts';
import { ssrcOf, tierStreamName } from './stream-names.ts';
import { TierStream } from './tier-stream.ts';
import type { TranscoderFactory } from './transcoder.ts';
import { targetsOf, type StreamState, type TreeState } from './tree-state.ts';
import { MpaReassembler } from './wire/mpa.ts';
import type { RtpPacket } from './wire/rtp-packet.ts';

/** Sends a packet on a link (the module's send with its traffic class). */
export type SendAudio = (link: LinkId, packet: DataPacket) => void;

/** Frames a reassembler has given up (a fragment missing, a bad packet). */
function framesLost(r: MpaReassembler): number {
  const c = r.counters;
  return c.framesIncomplete + c.orphanFragments + c.malformed;
}

/** The per-link stream choice and the transcoders of one module. */
export class Tiering {
  constructor(
    private readonly self: string,
    private readonly tiersKbps: readonly number[],
    private readonly factory: TranscoderFactory | undefined,
    private readonly maxPayloadBytes: number,
    private readonly stats: RtpStats,
  ) {}

  /** Whether lower tiers can be made of streams named `base` (a factory, and tier names that fit a header). */
  tierable(base: string): boolean {
    return this.factory !== undefined && this.tiersKbps.every((k) => tierStreamName(base, k) !== undefined);
  }

  /** Sends an RTP packet of `stream` to the `targets` that take it as it is, and feeds the transcoders the others need. */
  route(tree: TreeState, stream: StreamState, packet: DataPacket, rtp: RtpPacket, targets: readonly LinkId[], send: SendAudio): void {
    const wanted = new Set<number>();
    for (const link of targets) {
      const lt = tree.links.get(link);
      const tier = lt?.tier ?? 0;
      if (tier <= stream.tier || !stream.tierable) {
        if (lt) lt.live = stream.tier;
        send(link, packet);
        continue;
      }
      wanted.add(tier);
      if ((lt?.live ?? 0) <= stream.tier) send(link, packet);
    }
    if (wanted.size > 0 || stream.tiers.size > 0) this.feed(stream, rtp, wanted);
  }

  /** Sends what the transcoders of `tree` have ready now; whether any transcoder is left to poll. */
  poll(tree: TreeState, now: Millis, send: SendAudio): boolean {
    let open = false;
    for (const stream of tree.streams.values()) {
      for (const [tier, ts] of stream.tiers) {
        open = true;
        const packets = ts.poll(now);
        if (packets.length === 0) continue;
        for (const link of targetsOf(tree, undefined, now)) {
          const lt = tree.links.get(link);
          if (!lt || (lt.tier !== tier && lt.live !== tier)) continue;
          if (lt.tier === tier) lt.live = tier;
          for (const p of packets) send(link, p);
          this.stats.tierPacketsSent += packets.length;
        }
      }
    }
    return open;
  }

  /** Closes the transcoders of `tree` that no link uses (its tier, or still its live stream). */
  reconcile(tree: TreeState, now: Millis): void {
    const used = new Set<number>();
    for (const link of targetsOf(tree, undefined, now)) {
      const lt = tree.links.get(link);
      if (lt) used.add(lt.tier).add(lt.live);
    }
    for (const stream of tree.streams.values()) {
      for (const tier of stream.tiers.keys()) if (!used.has(tier) || tier <= stream.tier) this.close(stream, tier);
    }
  }

  /** Closes every transcoder of `stream` (its source said BYE, or it is forgotten). */
  closeAll(stream: StreamState): void {
    for (const tier of [...stream.tiers.keys()]) this.close(stream, tier);
  }

  /** Whether any transcoder of `tree` is open. */
  busy(tree: TreeState): boolean {
    for (const s of tree.streams.values()) if (s.tiers.size > 0) return true;
    return false;
  }

  /** The tree of an SSRC this SCX makes (a transcoded stream's), if it is in `tree`. */
  makes(tree: TreeState, ssrc: number): boolean {
    for (const s of tree.streams.values()) for (const ts of s.tiers.values()) if (ts.id.ssrc === ssrc) return true;
    return false;
  }

  /** Reassembles `rtp` and feeds its frames to the transcoders of `stream`, opening those of the `wanted` tiers. */
  private feed(stream: StreamState, rtp: RtpPacket, wanted: ReadonlySet<number>): void {
    for (const tier of wanted) if (!stream.tiers.has(tier)) this.open(stream, tier, rtp.ssrc);
    const r = (stream.reassembler ??= new MpaReassembler());
    const lostBefore = framesLost(r);
    const frames = r.push(rtp);
    this.stats.transcoderFramesDropped += framesLost(r) - lostBefore;
    for (const frame of frames) for (const ts of stream.tiers.values()) ts.feed(frame, rtp.timestamp);
  }

  private open(stream: StreamState, tier: number, inputSsrc: number): void {
    const kbps = this.tiersKbps[tier] as number;
    const h = stream.header;
    const name = tierStreamName(stream.base, kbps) as string; // `tierable` checked every tier's name
    const header = { sessionId: h.sessionId, channel: h.channel, source: name, sourceScx: h.sourceScx };
    const ssrc = ssrcOf(`${this.self}/${name}/${inputSsrc}`);
    stream.tiers.set(tier, new TierStream({ header, ssrc, kbps }, this.factory as TranscoderFactory, this.maxPayloadBytes, this.stats));
    this.stats.transcodersOpened++;
  }

  private close(stream: StreamState, tier: number): void {
    stream.tiers.get(tier)?.close();
    stream.tiers.delete(tier);
    this.stats.transcodersClosed++;
    if (stream.tiers.size === 0) stream.reassembler = undefined;
  }
}
