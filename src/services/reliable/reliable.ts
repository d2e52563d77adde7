/**
 * The `reliable` service module: NACK-based end-to-end reliability in the manner of PGM and BCFS (paper 5.1),
 * over UDP data links that may lose packets.
 *
 * - Forwarding is the forward module's, run inside this one (composition): fresh packets go down each
 *   source's tree with make-before-break. This module takes the forward module's local deliveries and timer.
 * - Every SCX keeps a bounded repair cache of each source's recent packets.
 * - A gap in a source's sequence opens a repair request; `nackDelayMs` later a NACK(source, ranges) goes to the
 *   upstream link, retried with doubling waits up to `maxNacks` times, then the packet is given up.
 * - A NACK for a cached packet is answered with a retransmission on the NACKing link alone. Otherwise the NACK
 *   goes upstream once and the link joins the request's soft state; NACKs from other links for the same packet
 *   are suppressed (they only join the state). A repair goes only to the links in the state; the state of a
 *   link times out after `stateMs`.
 * - Local clients get each source's packets in order, without duplicates (`InOrderDelivery`).
 * - Bounded state: per-source state is created only for a packet the forward module inside took as fresh (it
 *   passed the upstream check), for at most `maxSources` sources, and forgotten after `sourceIdleMs` without a
 *   packet and with no request open (looked for at every upcall, no timer of its own); requests, cache, held
 *   and given-up seqs are bounded per source; each link may send at most `maxNacksPerSecond` NACKs.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import { seqDiff, type DataPacket } from '../../session/data-header.ts';
import {
  LOCAL_LINK,
  type ChannelContext,
  type LinkId,
  type ServiceModule,
  type ServiceModuleFactory,
} from '../../transport/service-module.ts';
import { BUSY_RECHECK_MS, ForwardModule } from '../forward/forward.ts';
import { InOrderDelivery, type SkipReason } from './in-order.ts';
import { innerContext } from './inner-context.ts';
import { NACK_TYPE, decodeNack, encodeNack, toRanges } from './nack.ts';
import { reliableSettings, type ReliableOptions, type ReliableSettings } from './options.ts';
import { LinkRateLimit } from './rate-limit.ts';
import { RepairCache } from './repair-cache.ts';
import { RepairRequests, type RepairRequest } from './repair-requests.ts';
import { newReliableStats, type ReliableStats } from './stats.ts';

/** The traffic class of retransmitted packets on a link's scheduler. */
export const REPAIR_CLASS = 'repair';

/** What the module keeps per source. */
interface SourceState {
  /** Highest sequence number forwarded as fresh data; undefined before the first. */
  highest: number | undefined;
  readonly cache: RepairCache;
  readonly requests: RepairRequests;
  readonly order: InOrderDelivery;
  /** When the source's last fresh or repaired packet came, ms (the state expires `sourceIdleMs` later). */
  lastPacketMs: Millis;
}

/** What a reliable module holds now, for tests and checks that it stays bounded. */
export interface ReliableStateSize {
  /** Sources tracked here (at most `maxSources`). */
  readonly sources: number;
  /** Sources tracked by the forward module inside. */
  readonly forwardSources: number;
  /** Packets in the repair caches, all sources together. */
  readonly cachedPackets: number;
  /** Open repair requests, all sources together. */
  readonly requests: number;
  /** Packets held back for in-order delivery, all sources together. */
  readonly heldPackets: number;
  /** Given-up seqs that delivery has not passed yet, all sources together. */
  readonly abandonedSeqs: number;
  /** Links with a NACK rate bucket. */
  readonly nackLinks: number;
}

/** NACK-based reliable forwarding. */
export class ReliableModule implements ServiceModule {
  readonly stats: ReliableStats = newReliableStats();
  private readonly settings: ReliableSettings;
  private readonly inner: ForwardModule;
  private innerDeadline: Millis | undefined;
  /** The requests' earliest deadline, recomputed only after they changed (`deadlinesChanged`). */
  private ownDeadline: Millis | undefined;
  private deadlinesChanged = false;
  /** When some source state may next have expired, ms (Infinity: none can). */
  private sweepAt: Millis = Infinity;
  private readonly sources = new Map<string, SourceState>();
  private readonly nackLimit: LinkRateLimit;

  constructor(
    private readonly ctx: ChannelContext,
    options: ReliableOptions = {},
  ) {
    this.settings = reliableSettings(options);
    const hooks = { deliver: (p: DataPacket) => this.fresh(p), wakeAt: (at: Millis | undefined) => (this.innerDeadline = at) };
    const s = this.settings;
    this.inner = new ForwardModule(innerContext(ctx, hooks), { maxSources: s.maxSources, sourceIdleMs: s.sourceIdleMs, ...options.forward });
    this.nackLimit = new LinkRateLimit(s.maxNacksPerSecond);
  }

  /** This module's counters, and the forward module's inside with a `forward` prefix (`forwardSourcesRefused`). */
  counters(): Readonly<Record<string, number>> {
    const out: Record<string, number> = { ...this.stats };
    for (const [name, n] of Object.entries(this.inner.counters())) out[`forward${name[0]?.toUpperCase()}${name.slice(1)}`] = n;
    return out;
  }

  /** What the module holds now (read-only). */
  stateSize(): ReliableStateSize {
    let cachedPackets = 0;
    let requests = 0;
    let heldPackets = 0;
    let abandonedSeqs = 0;
    for (const st of this.sources.values()) {
      cachedPackets += st.cache.size;
      requests += st.requests.size;
      heldPackets += st.order.heldCount;
      abandonedSeqs += st.order.abandonedCount;
    }
    const sources = this.sources.size;
    const forwardSources = this.inner.trackedSources;
    return { sources, forwardSources, cachedPackets, requests, heldPackets, abandonedSeqs, nackLinks: this.nackLimit.size };
  }

  onData(from: LinkId, packet: DataPacket): void {
    this.expireIdle(this.ctx.now());
    const st = this.sources.get(packet.header.sourceScx);
    const seq = packet.header.seq;
    const request = st?.requests.get(seq);
    if (st && request && st.highest !== undefined && seqDiff(seq, st.highest) < 0) this.repaired(from, st, packet, request);
    else this.inner.onData(from, packet);
    this.rearm();
  }

  onControl(from: LinkId, data: Uint8Array): void {
    this.expireIdle(this.ctx.now());
    if (data[0] === NACK_TYPE) {
      // Limited before decoding: a NACK costs work in proportion to the seqs it names, and may send cached packets.
      if (this.nackLimit.take(from, this.ctx.now())) this.onNack(from, data);
      else this.stats.nacksRateLimited++;
    }
    else this.inner.onControl(from, data);
    this.rearm();
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    this.inner.onUpstreamChange(source, upstream, previous);
    // Requests already NACKed to the previous upstream are asked again of the new one soon.
    const soon = this.ctx.now() + this.settings.nackDelayMs;
    this.deadlinesChanged = true;
    for (const [, r] of this.sources.get(source)?.requests.entries() ?? []) {
      if (r.nackAt !== undefined && r.askedAt !== undefined && r.nackAt > soon) r.nackAt = soon;
    }
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
      for (const st of this.sources.values()) st.requests.forgetLink(link);
      this.nackLimit.forget(link);
    }
    this.deadlinesChanged = true;
    this.rearm();
  }

  handleTimeout(now: Millis): void {
    if (this.innerDeadline !== undefined && this.innerDeadline <= now) {
      this.innerDeadline = undefined;
      this.inner.handleTimeout(now);
    }
    this.deadlinesChanged = true;
    for (const [source, st] of this.sources) {
      st.requests.expire(now);
      const due: number[] = [];
      for (const [seq, r] of st.requests.entries()) {
        if (r.nackAt === undefined || r.nackAt > now) continue;
        if (r.tries >= this.settings.maxNacks) {
          // Given up: delivery skips it (counted in `skipped` once delivery gets there); nobody here waits.
          st.order.abandon(seq);
          st.requests.withdrawLocal(seq);
          continue;
        }
        if (r.tries > 0) this.stats.nackRetries++;
        r.tries++;
        r.askedAt = now;
        r.nackAt = now + this.settings.retryMs * 2 ** (r.tries - 1);
        due.push(seq);
      }
      this.sendNack(source, due);
    }
    this.expireIdle(now);
    this.nackLimit.prune(now);
    this.rearm();
  }

  /** Forgets the source states idle for `sourceIdleMs` with no request open, once one may be due. */
  private expireIdle(now: Millis): void {
    if (now < this.sweepAt) return;
    let next = Infinity;
    for (const [source, st] of this.sources) {
      const at = st.lastPacketMs + this.settings.sourceIdleMs;
      if (at > now) next = Math.min(next, at);
      else if (st.requests.size > 0) next = Math.min(next, now + BUSY_RECHECK_MS);
      else {
        st.order.reset(); // with no request open nothing should be held; if anything is, it goes out now
        this.sources.delete(source);
        this.stats.sourcesExpired++;
        this.deadlinesChanged = true;
      }
    }
    this.sweepAt = next;
  }

  /** A new state for `source`, whose packet the forward module took; undefined (counted) when `maxSources` are tracked. */
  private admit(source: string, now: Millis): SourceState | undefined {
    const s = this.settings;
    if (this.sources.size >= s.maxSources) {
      this.stats.sourcesRefused++;
      return undefined;
    }
    const st: SourceState = {
      highest: undefined,
      cache: new RepairCache(s.cachePackets, s.cacheMs),
      requests: new RepairRequests(s.maxRequests),
      order: new InOrderDelivery(
        s.maxHeld,
        (p) => this.ctx.deliver(p),
        (seq, reason) => this.skipped(source, seq, reason),
        s.maxRequests,
      ),
      lastPacketMs: now,
    };
    this.sources.set(source, st);
    this.sweepAt = Math.min(this.sweepAt, now + s.sourceIdleMs);
    return st;
  }

  /** The forward module took `packet` as the next fresh packet of its source: cache it, note gaps, deliver in order. */
  private fresh(packet: DataPacket): void {
    const source = packet.header.sourceScx;
    const seq = packet.header.seq;
    const now = this.ctx.now();
    const st = this.sources.get(source) ?? this.admit(source, now);
    // Too many sources: this one's packets still reach the clients, without repair or reordering.
    if (!st) return this.ctx.deliver(packet);
    st.lastPacketMs = now;
    const d = st.highest === undefined ? 1 : seqDiff(seq, st.highest);
    if (d <= 0 || d > this.settings.maxGapPackets) {
      // A restart of the source's numbering (or a hole too large to repair): start over from this packet.
      this.stats.resyncs++;
      this.deadlinesChanged = true;
      st.order.reset();
      st.requests.clear();
      st.cache.clear();
    } else if (st.highest !== undefined) {
      for (let k = 1; k < d; k++) this.gap(st, (st.highest + k) >>> 0, now);
    }
    st.highest = seq;
    st.cache.put(packet, now);
    st.order.push(packet);
  }

  /** `seq` is missing here: open a request for this SCX's clients, NACKed after `nackDelayMs`. */
  private gap(st: SourceState, seq: number, now: Millis): void {
    if (!st.order.wants(seq)) return;
    this.stats.gapsDetected++;
    this.deadlinesChanged = true;
    const r = st.requests.open(seq, now);
    if (!r) return st.order.abandon(seq);
    r.askers.set(LOCAL_LINK, Infinity);
    r.nackAt ??= now + this.settings.nackDelayMs;
  }

  /** A packet some request waits for arrived: to the clients if they wait, and to the links in the soft state. */
  private repaired(from: LinkId, st: SourceState, packet: DataPacket, r: RepairRequest): void {
    const now = this.ctx.now();
    const seq = packet.header.seq;
    st.requests.close(seq);
    this.deadlinesChanged = true;
    st.lastPacketMs = now;
    st.cache.put(packet, now);
    this.stats.repairsReceived++;
    for (const [link, until] of r.askers) {
      if (link === LOCAL_LINK) {
        this.stats.maxRepairMs = Math.max(this.stats.maxRepairMs, now - r.since);
        st.order.push(packet);
      } else if (link !== from && until > now) {
        this.ctx.send(link, packet, REPAIR_CLASS);
        this.stats.repairsForwarded++;
      }
    }
  }

  /** A NACK from a downstream link: answer from the cache, or ask upstream once and remember who asked. */
  private onNack(from: LinkId, data: Uint8Array): void {
    const decoded = decodeNack(data);
    if (!decoded.ok) {
      this.stats.malformed++;
      return this.ctx.drop('malformed');
    }
    const nack = decoded.value;
    this.stats.nacksReceived++;
    // Only a link this SCX forwards the source to may ask for its repairs: anyone else would aim them elsewhere.
    if (!this.ctx.downstream(nack.source).includes(from)) {
      this.stats.nacksNotDownstream++;
      return;
    }
    const st = this.sources.get(nack.source);
    const upstream = this.ctx.upstream(nack.source);
    const now = this.ctx.now();
    const ask: number[] = [];
    for (const { first, count } of nack.ranges) {
      this.stats.nackSeqsReceived += count;
      for (let k = 0; k < count; k++) {
        const seq = (first + k) >>> 0;
        const cached = st?.cache.get(seq, now);
        if (cached) {
          this.ctx.send(from, cached, REPAIR_CLASS);
          this.stats.retransmissions++;
        } else if (!st || st.highest === undefined || !this.inWindow(seq, st.highest)) {
          this.stats.unrepairable++; // never seen this source, not sent yet, or too old to repair
        } else if (upstream === undefined || upstream === from || upstream === LOCAL_LINK) {
          this.stats.unrepairable++;
        } else if (this.join(st, seq, from, now)) {
          ask.push(seq);
        }
      }
    }
    this.sendNack(nack.source, ask);
  }

  /** Whether `seq` is a packet this SCX has seen the numbering pass, recently enough to repair. */
  private inWindow(seq: number, highest: number): boolean {
    const d = seqDiff(seq, highest);
    return d <= 0 && d >= -this.settings.maxGapPackets;
  }

  /** `from` asks for `seq`: adds it to the soft state; true when the NACK must go upstream now. */
  private join(st: SourceState, seq: number, from: LinkId, now: Millis): boolean {
    const existing = st.requests.get(seq);
    const r = existing ?? st.requests.open(seq, now);
    if (!r) {
      this.stats.unrepairable++;
      return false;
    }
    const repeat = r.askers.has(from);
    this.deadlinesChanged = true;
    r.askers.set(from, now + this.settings.stateMs);
    const neverAsked = r.askedAt === undefined && r.nackAt === undefined;
    // A repeat from the same link after a retry interval means the repair was lost: ask again.
    const retry = repeat && r.askedAt !== undefined && now - r.askedAt >= this.settings.retryMs;
    if (!existing || neverAsked || retry) {
      r.askedAt = now;
      this.stats.nackSeqsForwarded++;
      return true;
    }
    this.stats.nackSeqsSuppressed++;
    return false;
  }

  /** Sends NACKs for `seqs` of `source` to its upstream link. */
  private sendNack(source: string, seqs: number[]): void {
    if (seqs.length === 0) return;
    const upstream = this.ctx.upstream(source);
    if (upstream === undefined || upstream === LOCAL_LINK) return;
    seqs.sort(seqDiff);
    for (const ranges of toRanges(seqs)) {
      this.ctx.sendControl(upstream, encodeNack(source, ranges));
      this.stats.nacksSent++;
    }
    this.stats.nackSeqsSent += seqs.length;
  }

  /** Local delivery went past `seq` without it: count the give-up, nobody here waits for it any more. */
  private skipped(source: string, seq: number, reason: SkipReason): void {
    this.stats.giveUps++;
    this.ctx.drop(reason);
    this.sources.get(source)?.requests.withdrawLocal(seq);
    this.deadlinesChanged = true;
  }

  /** Gives the framework the earlier of the forward module's deadline and the requests'. */
  private rearm(): void {
    if (this.deadlinesChanged) {
      this.deadlinesChanged = false;
      this.ownDeadline = undefined;
      for (const st of this.sources.values()) {
        const d = st.requests.nextDeadline();
        if (d !== undefined && (this.ownDeadline === undefined || d < this.ownDeadline)) this.ownDeadline = d;
      }
    }
    const a = this.innerDeadline;
    const b = this.ownDeadline;
    this.ctx.wakeAt(a === undefined ? b : b === undefined ? a : Math.min(a, b));
  }
}

/** A factory of the `reliable` module with `options` (tests tune it; `reliable` below has the defaults). */
export function reliableFactory(options: ReliableOptions = {}): ServiceModuleFactory {
  return {
    names: ['reliable'],
    dataTransport: 'udp',
    description: 'NACK-based reliable forwarding (PGM-like repair from the nearest cache, NACK suppression), over UDP',
    create: (ctx) => new ReliableModule(ctx, options),
  };
}

/** The `reliable` module with default options. */
export const reliable: ServiceModuleFactory = reliableFactory();
