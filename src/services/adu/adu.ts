/**
 * The `adu` service module (paper 5.2, 6.6.2): selective reliability per ADU, ordering across ADUs, priorities by
 * receiver interest. Forwarding is the forward module's, run inside (as `reliable` does); its sends go in class
 * `high` or `low` by the link's interest in the slide. Reliable fragments are numbered per (source SCX, presentation,
 * slide); gaps, NACKs, repairs and UNAVAILABLE: repairs.ts, from the cache of what this SCX has (fragment-cache.ts).
 * The source SCX sends a SUMMARY (each slide's highest seq) down its tree, relayed, so a late joiner finds what it
 * lacks. Interest: clients' reports and links' aggregates (interest-table.ts), reported upstream periodically and on
 * change, and dropped the moment they lapse. Local delivery: delivery.ts. Bounded state.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import type { DataPacket } from '../../session/data-header.ts';
import { LOCAL_LINK, type ChannelContext, type LinkId, type ServiceModule, type ServiceModuleFactory } from '../../transport/service-module.ts';
import { ForwardModule } from '../forward/forward.ts';
import { innerContext } from '../inner-context.ts';
import { prefixed } from '../pushback/prefixed.ts';
import { LinkRateLimit } from '../reliable/rate-limit.ts';
import { LocalDelivery } from './delivery.ts';
import { FragmentCache } from './fragment-cache.ts';
import { InterestReporter } from './interest-report.ts';
import { InterestTable } from './interest-table.ts';
import { aduSettings, type AduOptions, type AduSettings } from './options.ts';
import { AduRepairs } from './repairs.ts';
import { slideKey, summaryMessages } from './slide-state.ts';
import { newAduStats, type AduStats } from './stats.ts';
import { decodeAduFragment, type AduHeader } from './wire/adu.ts';
import { ADU_NACK_TYPE, ADU_UNAVAILABLE_TYPE, decodeSummary, SUMMARY_TYPE } from './wire/control.ts';
import { decodeClientInterest, INTEREST_TYPE } from './wire/interest.ts';

/** The scheduler classes of the module, most important first. */
export const ADU_CLASSES = ['repair-high', 'high', 'repair-low', 'low'] as const;

/** The class weights: high-interest traffic gets 16 times the link time of low-interest traffic while both wait. */
export const ADU_WEIGHTS: Readonly<Record<(typeof ADU_CLASSES)[number], number>> = { 'repair-high': 16, high: 16, 'repair-low': 1, low: 1 };

/** Changes of interest in this window are reported upstream together, ms (bounds the work a flood of reports costs). */
const INTEREST_COALESCE_MS = 10;

/** Selective reliability, ordering and interest-driven priorities for ADUs. */
export class AduModule implements ServiceModule {
  readonly stats: AduStats = newAduStats();
  private readonly settings: AduSettings;
  private readonly inner: ForwardModule;
  private readonly repairs: AduRepairs;
  private readonly cache: FragmentCache;
  private readonly interest: InterestTable;
  private readonly delivery: LocalDelivery;
  private readonly controlLimit: LinkRateLimit;
  private readonly reporter: InterestReporter;
  /** The packet being handed to the forward module inside and its header, decoded once. */
  private current: { packet: DataPacket; header: AduHeader } | undefined;
  /** When the forward module inside wants its `handleTimeout`, ms. */
  private innerDeadline: Millis | undefined;
  /** As the source SCX: when the next SUMMARY goes down its tree, ms. */
  private summaryAt: Millis | undefined;
  /** When the next periodic interest report (everything) is due, ms. */
  private interestAt: Millis | undefined;
  /** When the interest changed since the last report is reported, ms. */
  private changedAt: Millis | undefined;

  constructor(
    private readonly ctx: ChannelContext,
    options: AduOptions = {},
  ) {
    const s = (this.settings = aduSettings(options));
    const hooks = { deliver: (p: DataPacket) => this.fresh(p), wakeAt: (at: Millis | undefined) => (this.innerDeadline = at) };
    const innerCtx: ChannelContext = { ...innerContext(ctx, hooks), send: (link, p) => this.sendFresh(link, p) };
    this.inner = new ForwardModule(innerCtx, { maxSources: s.maxSlides, ...options.forward });
    this.cache = new FragmentCache(s.cacheBytes);
    this.interest = new InterestTable(s.interestTtlMs, s.maxInterestOwners, s.maxInterestSlides);
    this.reporter = new InterestReporter(this.interest, (link, data) => ctx.sendControl(link, data));
    this.delivery = new LocalDelivery(s, this.stats, (p) => ctx.deliver(p));
    this.controlLimit = new LinkRateLimit(s.maxControlPerSecond);
    const onNewSlide = (): void => void (this.interestAt ??= ctx.now());
    const { cache, interest, delivery, stats } = this;
    this.repairs = new AduRepairs({ ctx, settings: s, stats, cache, interest, delivery, onRepair: options.onRepair, onNewSlide });
  }

  /** This module's counters, and the forward module's inside with a `forward` prefix. */
  counters(): Readonly<Record<string, number>> {
    return { ...this.stats, ...prefixed('forward', this.inner.counters()) };
  }

  /** What the module holds now (read-only): slides tracked, cached and partial bytes, held ADUs, objects remembered, interest reporters and slides listed, open requests. */
  stateSize(): { slides: number; cacheBytes: number; partialBytes: number; afterHeld: number; objects: number; interestOwners: number; interestSlides: number; requests: number } {
    const { repairs, cache, delivery, interest } = this;
    return {
      slides: repairs.slides.size,
      cacheBytes: cache.bytes,
      partialBytes: delivery.partialBytes,
      afterHeld: delivery.heldCount,
      objects: delivery.objectCount,
      interestOwners: interest.size,
      interestSlides: interest.listedCount,
      requests: repairs.requestCount,
    };
  }

  onData(from: LinkId, packet: DataPacket): void {
    const decoded = decodeAduFragment(packet.bytes.subarray(packet.payloadOffset));
    if (!decoded.ok) {
      this.stats.malformedFragments++;
      this.ctx.drop('malformed');
      return;
    }
    const h = decoded.value.header;
    const st = h.reliability === 'reliable' ? this.repairs.slides.get(slideKey(packet.header.sourceScx, h.presentation, h.slide)) : undefined;
    if (st && this.repairs.isRepair(from, st, h.slideSeq)) this.repairs.repaired(from, st, packet, h);
    else if (st && h.slideSeq <= st.highest && from !== LOCAL_LINK && this.cache.get(st.key, h.slideSeq)) this.stats.duplicates++;
    else {
      this.current = { packet, header: h };
      this.inner.onData(from, packet);
      this.current = undefined;
    }
    this.rearm();
  }

  onControl(from: LinkId, data: Uint8Array): void {
    const type = data[0] ?? 0;
    if (type < 16) this.inner.onControl(from, data);
    // Limited before decoding: a message costs work in proportion to what it names, and may send cached packets.
    else if (!this.controlLimit.take(from, this.ctx.now())) this.stats.controlRateLimited++;
    else if (!this.controlMessage(from, type, data)) this.malformed();
    this.rearm();
  }

  onClientControl(client: string, data: Uint8Array): void {
    const decoded = decodeClientInterest(data);
    if (!decoded.ok) this.stats.malformedInterest++;
    else if (!this.interest.client(client, decoded.value, this.ctx.now())) this.stats.interestOwnersRefused++;
    else this.interestChanged();
    this.rearm();
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    this.inner.onUpstreamChange(source, upstream, previous);
    // Requests NACKed to the previous upstream are asked again of the new one soon; it hears our interest now.
    this.repairs.upstreamChanged(source);
    this.interestChanged();
    this.rearm();
  }

  onDownstreamChange(source: string, downstream: readonly LinkId[]): void {
    this.inner.onDownstreamChange(source, downstream);
    this.rearm();
  }

  onLinkUp(link: LinkId): void {
    this.inner.onLinkUp(link);
  }

  onLinkDown(link: LinkId, reason: NeighbourDownReason): void {
    this.inner.onLinkDown(link, reason);
    if (reason === 'failed' || reason === 'left') {
      this.repairs.forgetLink(link);
      this.interest.forgetLink(link);
      this.reporter.forget(link);
      this.controlLimit.forget(link);
      this.interestChanged();
    }
    this.rearm();
  }

  handleTimeout(now: Millis): void {
    if (this.innerDeadline !== undefined && this.innerDeadline <= now) {
      this.innerDeadline = undefined;
      this.inner.handleTimeout(now);
    }
    this.repairs.due(now);
    if (this.summaryAt !== undefined && this.summaryAt <= now) this.sendSummaries(now);
    const lapsed = this.interest.expire(now);
    if (this.interestAt !== undefined && this.interestAt <= now) {
      this.interestAt = undefined;
      this.reportInterest(true);
    } else if (lapsed || (this.changedAt !== undefined && this.changedAt <= now)) this.reportInterest(false);
    this.delivery.handleTimeout(now);
    this.controlLimit.prune(now);
    this.repairs.prune(now);
    this.rearm();
  }

  /** The forward module took `packet` as fresh: note gaps, cache it, deliver it locally (whole ADUs). */
  private fresh(packet: DataPacket): void {
    const h = this.headerOf(packet);
    if (!h) return;
    const now = this.ctx.now();
    const source = packet.header.sourceScx;
    const st = h.reliability === 'reliable' ? this.repairs.slideState(source, h.presentation, h.slide) : undefined;
    if (st) {
      this.repairs.fresh(st, packet, h, now);
      if (source === this.ctx.self) this.summaryAt = Math.min(this.summaryAt ?? Infinity, now + this.settings.summaryAfterDataMs);
    }
    this.delivery.push(packet, h, now);
  }

  /** The decoded header of a packet the forward module hands back (decoded again only for one it held). */
  private headerOf(packet: DataPacket): AduHeader | undefined {
    if (this.current?.packet === packet) return this.current.header;
    const d = decodeAduFragment(packet.bytes.subarray(packet.payloadOffset));
    return d.ok ? d.value.header : undefined;
  }

  /** Sends a fresh fragment from the forward module inside in the class of the link's interest in its slide. */
  private sendFresh(link: LinkId, packet: DataPacket): void {
    const h = this.headerOf(packet);
    const high = h !== undefined && this.interest.linkHigh(link, h.presentation, h.slide);
    this.stats[high ? 'freshHigh' : 'freshLow']++;
    this.ctx.send(link, packet, high ? 'high' : 'low');
  }

  /** One control message within the rate limit; false when it does not decode or may not come from `from`. */
  private controlMessage(from: LinkId, type: number, data: Uint8Array): boolean {
    if (type === ADU_NACK_TYPE) return this.repairs.onNack(from, data);
    if (type === ADU_UNAVAILABLE_TYPE) return this.repairs.onUnavailable(from, data);
    if (type === SUMMARY_TYPE) return this.onSummary(from, data);
    if (type === INTEREST_TYPE) return this.onLinkInterest(from, data);
    return false;
  }

  /** A SUMMARY from the source's upstream: relayed down the tree; seqs it announces that this SCX lacks become gaps. */
  private onSummary(from: LinkId, data: Uint8Array): boolean {
    const d = decodeSummary(data);
    if (!d.ok || from !== this.ctx.upstream(d.value.source)) return false;
    const { source, entries } = d.value;
    for (const link of this.ctx.downstream(source)) {
      if (link === from) continue;
      this.ctx.sendControl(link, data);
      this.stats.summariesRelayed++;
    }
    const now = this.ctx.now();
    let room = this.repairs.room();
    for (const e of entries) {
      const st = this.repairs.slideState(source, e.presentation, e.slide);
      if (st) room = this.repairs.advance(st, e.highest, now, true, room);
    }
    this.interestChanged();
    return true;
  }

  /** A link's interest aggregate for one presentation. */
  private onLinkInterest(from: LinkId, data: Uint8Array): boolean {
    const d = decodeClientInterest(data);
    if (!d.ok || from === LOCAL_LINK) return false;
    if (!this.interest.link(from, d.value, this.ctx.now())) this.stats.interestOwnersRefused++;
    else this.interestChanged();
    return true;
  }

  /** As the source SCX: the highest slideSeq of each of its slides, down its tree. */
  private sendSummaries(now: Millis): void {
    const messages = summaryMessages(this.ctx.self, this.repairs.slides.values());
    this.summaryAt = messages.length > 0 ? now + this.settings.summaryMs : undefined;
    for (const link of this.ctx.downstream(this.ctx.self)) {
      if (link === LOCAL_LINK) continue;
      for (const bytes of messages) this.ctx.sendControl(link, bytes);
      this.stats.summariesSent += messages.length;
    }
  }

  /** Sends this SCX's aggregate interest to the upstream link of every source it knows: what changed, or all (`all`). */
  private reportInterest(all: boolean): void {
    this.changedAt = undefined;
    if (all || this.interestAt === undefined) this.interestAt = this.ctx.now() + this.settings.interestRefreshMs;
    const targets = new Set<LinkId>();
    for (const st of this.repairs.slides.values()) {
      const up = this.ctx.upstream(st.source);
      if (up !== undefined && up !== LOCAL_LINK) targets.add(up);
    }
    this.stats.interestSent += this.reporter.report(targets, all);
  }

  /** The interest here changed: reported upstream within INTEREST_COALESCE_MS (one report for a burst of changes). */
  private interestChanged(): void {
    this.changedAt ??= this.ctx.now() + INTEREST_COALESCE_MS;
  }

  /** A control message that does not decode, or from a link that may not send it: counted, dropped. */
  private malformed(): void {
    this.stats.malformedControl++;
    this.ctx.drop('malformed');
  }

  /** Gives the framework the earliest deadline: the forward module's, requests, SUMMARY, interest refresh and expiry, `after` holds. */
  private rearm(): void {
    const deadlines = [this.innerDeadline, this.repairs.nextDeadline(), this.summaryAt, this.interestAt, this.changedAt, this.interest.nextExpiry(), this.delivery.nextDeadline()];
    const at = Math.min(...deadlines.map((d) => d ?? Infinity));
    this.ctx.wakeAt(at === Infinity ? undefined : at);
  }
}

/** A factory of the `adu` module with `options` (tests tune it; `adu` below has the defaults). */
export function aduFactory(options: AduOptions = {}): ServiceModuleFactory {
  return {
    names: ['adu'],
    dataTransport: 'udp',
    description: 'ADUs with selective reliability, ordering and interest-driven priorities (the whiteboard), over UDP',
    scheduler: { weights: ADU_WEIGHTS, dropPolicy: 'lowest-class', precedence: ADU_CLASSES },
    create: (ctx) => new AduModule(ctx, options),
  };
}

/** The `adu` module with default options. */
export const adu: ServiceModuleFactory = aduFactory();
