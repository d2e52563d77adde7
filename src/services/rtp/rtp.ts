/**
 * The `rtp` service module (paper 5.1 and 6.6.1, issue 14): live MP3 audio as RTP (payload type 14) between SCXs,
 * RTCP receiver reports aggregated up the tree, and per-link bitrate adaptation by transcoding.
 *
 * - Data: each data packet's payload is one RTP packet or one RTCP compound (RFC 5761 demux). A packet is taken from
 *   its source's upstream (or the local source at its SCX, or the previous upstream during `handoverMs`), once per
 *   (header source, seq) in a bounded window, delivered locally and sent down the tree at once (no holding for order:
 *   late audio is worthless). RTCP (SR, SDES, BYE) goes to every downstream link in the class `rtcp`, above `audio`.
 * - Reports (reports.ts): every SCX measures the RTP it receives, per SSRC, and every `reportIntervalMs` sends its
 *   upstream its own report block and the aggregate of its subtree; the source SCX keeps the root's (`rootReport`).
 * - Adaptation (link-tier.ts, tiering.ts): each downstream link steps down or up a tier on its own loss, and gets the
 *   stream transcoded to its tier, one transcoder per (input stream, tier) shared by the links at that tier.
 *
 * Bounded state: at most `maxSources` sources, each forgotten `sourceIdleMs` after its last packet, with at most
 * `maxStreams` streams and `maxSsrcs` measured SSRCs; one tier and one aggregate per downstream link; aggregates only
 * from a source's downstream links about an SSRC this SCX sends; transcoders at most streams x tiers.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import { payloadOf, type DataHeader, type DataPacket } from '../../session/data-header.ts';
import { LOCAL_LINK, type ChannelContext, type LinkId, type ServiceModule, type ServiceModuleFactory } from '../../transport/service-module.ts';
import { LinkTier } from './link-tier.ts';
import { rtpSettings, type RtpOptions, type RtpSettings } from './options.ts';
import { Reports, type RootReport } from './reports.ts';
import { SeqWindow } from './seq-window.ts';
import { newRtpStats, type RtpStats } from './stats.ts';
import { parseStreamName, tierIndexOf } from './stream-names.ts';
import { Tiering } from './tiering.ts';
import { newTreeState, targetsOf, type StreamState, type TreeState } from './tree-state.ts';
import { decodeAggregate } from './wire/aggregate.ts';
import { MPA_PAYLOAD_TYPE } from './wire/mpa.ts';
import { decodeRtcp, type RtcpPacket } from './wire/rtcp.ts';
import { decodeRtp, isRtcp, type RtpPacket } from './wire/rtp-packet.ts';

/** The traffic classes: RTCP is scheduled ahead of audio (weight 8 to 1). */
export const AUDIO_CLASS = 'audio';
export const RTCP_CLASS = 'rtcp';

/** One link's tier, for metrics and the station. */
export interface LinkTierView {
  readonly source: string;
  readonly link: LinkId;
  /** Tier index (0: the original) and its bitrate, kbit/s. */
  readonly tier: number;
  readonly kbps: number;
}

/** The rtp module of one channel at one SCX. */
export class RtpModule implements ServiceModule {
  readonly stats: RtpStats = newRtpStats();
  private readonly s: RtpSettings;
  private readonly trees = new Map<string, TreeState>();
  private readonly tiering: Tiering;
  private readonly reports: Reports;
  private reportAt: Millis | undefined;
  private pollAt: Millis | undefined;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: RtpOptions = {},
  ) {
    this.s = rtpSettings(options);
    this.tiering = new Tiering(ctx.self, this.s.tiersKbps, options.transcoders, this.s.maxPayloadBytes, this.stats);
    this.reports = new Reports(ctx, this.s, this.stats);
  }

  /** The event counters (monotonic; on /metrics as `scattercast_module_events_total{counter}`). */
  counters(): Readonly<Record<string, number>> {
    return { ...this.stats };
  }

  /** Levels now, for gauges: links below their original tier, and transcoders (one per stream and tier) open. */
  levels(): { linksLowered: number; transcodersOpen: number } {
    let linksLowered = 0;
    let transcodersOpen = 0;
    for (const t of this.trees.values()) {
      for (const lt of t.links.values()) if (lt.tier > 0) linksLowered++;
      for (const st of t.streams.values()) transcodersOpen += st.tiers.size;
    }
    return { linksLowered, transcodersOpen };
  }

  /** The root aggregate of `source`'s tree, kept at its SCX (default: this SCX as the source); undefined elsewhere or before the first report. */
  rootReport(source: string = this.ctx.self): RootReport | undefined {
    const tree = this.trees.get(source);
    return tree && source === this.ctx.self ? this.reports.view(tree) : undefined;
  }

  /** The tier of every downstream link that has one (a link with no report yet gets the original). */
  linkTiers(): LinkTierView[] {
    const out: LinkTierView[] = [];
    for (const t of this.trees.values()) {
      for (const [link, lt] of t.links) out.push({ source: t.source, link, tier: lt.tier, kbps: this.s.tiersKbps[lt.tier] as number });
    }
    return out;
  }

  /** Sources tracked now (at most `maxSources`). */
  get trackedSources(): number {
    return this.trees.size;
  }

  /** Streams, measured SSRCs, link tiers and aggregates held now, all sources together (for bounds checks). */
  heldState(): { streams: number; ssrcs: number; links: number; children: number; lingering: number } {
    const n = { streams: 0, ssrcs: 0, links: 0, children: 0, lingering: 0 };
    for (const t of this.trees.values()) {
      n.streams += t.streams.size;
      n.ssrcs += t.reception.size;
      n.links += t.links.size;
      n.children += t.children.size;
      n.lingering += t.lingering.size;
    }
    return n;
  }

  onData(from: LinkId, packet: DataPacket): void {
    const now = this.ctx.now();
    const source = packet.header.sourceScx;
    const known = this.trees.get(source);
    if (!this.acceptable(from, source, known, now)) return this.ctx.drop('not-upstream');
    const payload = payloadOf(packet);
    const rtcp = isRtcp(payload) ? decodeRtcp(payload) : undefined;
    const rtp = rtcp ? undefined : decodeRtp(payload);
    if (rtcp ? !rtcp.ok : !rtp?.ok || rtp.value.payloadType !== MPA_PAYLOAD_TYPE) {
      this.stats.payloadsRefused++;
      return this.ctx.drop('malformed');
    }
    const tree = known ?? this.admit(source, now);
    const stream = tree && this.streamOf(tree, packet.header, now);
    if (!tree || !stream) {
      this.stats.sourcesRefused++;
      return this.ctx.drop('overflow');
    }
    const verdict = stream.window.accept(packet.header.seq);
    if (verdict !== 'new') {
      this.stats[verdict === 'duplicate' ? 'duplicates' : 'stale']++;
      return this.ctx.drop(verdict);
    }
    tree.lastMs = stream.lastMs = now;
    stream.header = packet.header;
    this.ctx.deliver(packet);
    this.stats.packetsDelivered++;
    const targets = targetsOf(tree, from, now);
    if (rtcp?.ok) this.onRtcp(tree, stream, packet, rtcp.value, targets);
    else if (rtp?.ok) this.onRtp(tree, stream, packet, rtp.value, targets, now);
    this.rearm(now);
  }

  onControl(from: LinkId, data: Uint8Array): void {
    const d = decodeAggregate(data);
    if (!d.ok) {
      this.stats.aggregatesMalformed++;
      return this.ctx.drop('malformed');
    }
    const a = d.value;
    let tree: TreeState | undefined;
    for (const t of this.trees.values()) if (t.reception.has(a.mediaSsrc) || this.tiering.makes(t, a.mediaSsrc)) tree = t;
    if (!tree || from === LOCAL_LINK || !tree.downstream.includes(from)) {
      this.stats.aggregatesRefused++;
      return;
    }
    const now = this.ctx.now();
    this.stats.aggregatesIn++;
    tree.children.set(from, { aggregate: a, atMs: now });
    this.adapt(tree, from, this.reports.hopLoss(tree, a.mediaSsrc, a.own.fractionLost / 256), now);
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    const tree = this.trees.get(source);
    if (!tree) return;
    if (previous !== undefined && previous !== upstream) tree.previous = { link: previous, untilMs: this.ctx.now() + this.s.handoverMs };
    else if (upstream === tree.previous?.link) tree.previous = undefined;
  }

  onDownstreamChange(source: string, downstream: readonly LinkId[]): void {
    const tree = this.trees.get(source);
    if (!tree) return;
    const now = this.ctx.now();
    for (const link of tree.downstream) if (!downstream.includes(link)) tree.lingering.set(link, now + this.s.handoverMs);
    for (const link of downstream) tree.lingering.delete(link);
    tree.downstream = downstream;
  }

  onLinkDown(link: LinkId, reason: NeighbourDownReason): void {
    // A planned change keeps the data connection: only a dead peer ends the link's roles at once.
    if (reason !== 'failed' && reason !== 'left') return;
    const now = this.ctx.now();
    for (const tree of this.trees.values()) {
      tree.lingering.delete(link);
      tree.links.delete(link);
      tree.children.delete(link);
      if (tree.previous?.link === link) tree.previous = undefined;
      this.tiering.reconcile(tree, now);
    }
  }

  handleTimeout(now: Millis): void {
    if (this.pollAt !== undefined && this.pollAt <= now) {
      this.pollAt = undefined;
      for (const tree of this.trees.values()) this.tiering.poll(tree, now, (link, p) => this.ctx.send(link, p, AUDIO_CLASS));
    }
    if (this.reportAt !== undefined && this.reportAt <= now) {
      for (const [source, tree] of this.trees) {
        if (tree.lastMs + this.s.sourceIdleMs <= now) {
          this.forget(source, tree);
          continue;
        }
        this.sweep(tree, now);
        this.reports.report(tree, now);
        this.tiering.reconcile(tree, now);
      }
      this.reportAt = this.trees.size > 0 ? now + this.s.reportIntervalMs : undefined;
    }
    this.rearm(now);
  }

  /** Whether a packet of `source` may come on `from`: its upstream, the local source at its SCX, or the previous upstream in its handover. */
  private acceptable(from: LinkId, source: string, tree: TreeState | undefined, now: Millis): boolean {
    if (from === LOCAL_LINK) return source === this.ctx.self;
    if (from === this.ctx.upstream(source)) return true;
    const p = tree?.previous;
    return p !== undefined && p.link === from && p.untilMs > now;
  }

  /** A new source's state, for a packet that passed the upstream check; undefined when `maxSources` are tracked. */
  private admit(source: string, now: Millis): TreeState | undefined {
    if (this.trees.size >= this.s.maxSources) return undefined;
    const tree = newTreeState(source, this.ctx.downstream(source), now);
    this.trees.set(source, tree);
    this.reportAt ??= now + this.s.reportIntervalMs;
    return tree;
  }

  /** The stream a packet belongs to, made for its first packet; undefined when `maxStreams` are tracked. */
  private streamOf(tree: TreeState, header: DataHeader, now: Millis): StreamState | undefined {
    const known = tree.streams.get(header.source);
    if (known || tree.streams.size >= this.s.maxStreams) return known;
    const { base, kbps } = parseStreamName(header.source);
    const stream: StreamState = {
      base,
      tier: tierIndexOf(kbps, this.s.tiersKbps),
      tierable: this.tiering.tierable(base),
      window: new SeqWindow(this.s.dedupWindow),
      lastMs: now,
      header,
      reassembler: undefined,
      tiers: new Map(),
    };
    tree.streams.set(header.source, stream);
    return stream;
  }

  private onRtp(tree: TreeState, stream: StreamState, packet: DataPacket, rtp: RtpPacket, targets: readonly LinkId[], now: Millis): void {
    this.reports.onRtp(tree, rtp, now);
    this.tiering.route(tree, stream, packet, rtp, targets, (link, p) => this.send(link, p, AUDIO_CLASS));
  }

  /** An RTCP compound from the source: down every link, whatever its tier; an SR is noted, a BYE ends what it names. */
  private onRtcp(tree: TreeState, stream: StreamState, packet: DataPacket, rtcp: readonly RtcpPacket[], targets: readonly LinkId[]): void {
    this.stats.rtcpPackets++;
    for (const link of targets) this.send(link, packet, RTCP_CLASS);
    for (const p of rtcp) {
      if (p.type === 'SR') this.reports.onSenderReport(tree, p, this.ctx.now());
      if (p.type !== 'BYE') continue;
      for (const ssrc of p.ssrcs) tree.reception.delete(ssrc);
      this.tiering.closeAll(stream);
    }
  }

  /** A downstream link's hop loss from its aggregate: its tier may step (with no transcoder factory, it is counted only). */
  private adapt(tree: TreeState, link: LinkId, fractionLost: number, now: Millis): void {
    if (!this.options.transcoders) {
      if (fractionLost > this.s.adaptLossThreshold) this.stats.adaptationOff++;
      return;
    }
    let lt = tree.links.get(link);
    if (!lt) tree.links.set(link, (lt = new LinkTier(this.s, this.s.tiersKbps.length - 1)));
    const step = lt.observe(fractionLost);
    if (step === 0) return;
    if (step < 0) this.stats.tierStepsDown++;
    else this.stats.tierStepsUp++;
    this.tiering.reconcile(tree, now);
  }

  /** Forgets what went stale in a tree: aggregates, streams, SSRCs, and the tiers of links it no longer serves. */
  private sweep(tree: TreeState, now: Millis): void {
    const staleMs = this.s.staleAfterIntervals * this.s.reportIntervalMs;
    for (const [link, c] of tree.children) {
      if (c.atMs + staleMs > now && tree.downstream.includes(link)) continue;
      tree.children.delete(link);
      this.stats.aggregatesStale++;
    }
    for (const [name, st] of tree.streams) {
      if (st.lastMs + this.s.sourceIdleMs > now) continue;
      this.tiering.closeAll(st);
      tree.streams.delete(name);
    }
    for (const [ssrc, r] of tree.reception) if (r.lastMs + this.s.sourceIdleMs <= now) tree.reception.delete(ssrc);
    if (tree.previous && tree.previous.untilMs <= now) tree.previous = undefined;
    const served = targetsOf(tree, undefined, now);
    for (const link of tree.links.keys()) if (!served.includes(link)) tree.links.delete(link);
  }

  private forget(source: string, tree: TreeState): void {
    for (const st of tree.streams.values()) this.tiering.closeAll(st);
    this.trees.delete(source);
    this.stats.sourcesExpired++;
  }

  /** Forwards a packet as it came. */
  private send(link: LinkId, packet: DataPacket, trafficClass: string): void {
    this.ctx.send(link, packet, trafficClass);
    this.stats.packetsForwarded++;
  }

  /** Asks for the next report, and for the next poll while a transcoder is open. */
  private rearm(now: Millis): void {
    let busy = false;
    for (const tree of this.trees.values()) busy ||= this.tiering.busy(tree);
    this.pollAt = busy ? (this.pollAt ?? now + this.s.pollMs) : undefined;
    const next = this.pollAt === undefined ? this.reportAt : Math.min(this.pollAt, this.reportAt ?? Infinity);
    this.ctx.wakeAt(next);
  }
}

/** Link queues of the rtp module: drop the oldest audio when full (late audio is worthless), RTCP ahead of audio. */
function scheduler(maxQueueBytes: number) {
  return { maxQueueBytes, dropPolicy: 'oldest' as const, weights: { [RTCP_CLASS]: 8, [AUDIO_CLASS]: 1 } };
}

/** An rtp module factory with these options (transport name `rtp`, data over UDP). Throws RangeError on a bad option. */
export function rtpFactory(options: RtpOptions = {}): ServiceModuleFactory {
  const s = rtpSettings(options);
  return {
    names: ['rtp'],
    dataTransport: 'udp',
    description: 'live RTP/MPA audio down source-rooted trees over UDP, RTCP reports aggregated upstream, per-link transcoding on loss',
    scheduler: scheduler(s.maxQueueBytes),
    create: (ctx) => new RtpModule(ctx, options),
  };
}

/** The rtp module with default options and no transcoder factory (adaptation off). */
export const rtp = rtpFactory();
