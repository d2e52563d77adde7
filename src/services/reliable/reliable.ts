/**
 * The `reliable` service module: NACK-based end-to-end reliability in the manner of PGM and BCFS (paper 5.1),
 * over UDP data links that may lose packets. Its guarantee: every local client gets each source's packets in
 * order and without duplicates from the first one this SCX hears of, or a loss report naming the seqs it gave up
 * (loss-report.ts); never a silent hole, the stream's tail included.
 *
 * - Forwarding is the forward module's, run inside this one (composition): fresh packets go down each
 *   source's tree with make-before-break. This module takes the forward module's local deliveries and timer.
 * - Every SCX keeps a bounded repair cache of each source's recent packets.
 * - A gap in a source's sequence opens a repair request; `nackDelayMs` later a NACK(source, ranges) goes to the
 *   upstream link, retried with doubling waits up to `maxNacks` times, then the packet is given up and reported.
 * - The source SCX sends an SPM(lead, trail) down the tree before a source's first packet and whenever the source
 *   is idle (`spmIdleMs`, doubling up to `spmMaxMs`); every SCX passes it on downstream. Seqs up to `lead` that
 *   an SCX never got become gaps (the lost tail is found); requests before `trail` are given up.
 * - A NACK for a cached packet is answered with a retransmission on the NACKing link alone. Otherwise the NACK
 *   goes upstream once and the link joins the request's soft state; NACKs from other links for the same packet
 *   are suppressed (they only join the state). A repair goes only to the links in the state; the state of a
 *   link times out after `stateMs`. What nobody upstream can repair any more (the source SCX lacks it, or it is
 *   older than the window) is answered UNAVAILABLE, passed down the soft state, and given up at once.
 * - Bounded state: per-source state is created only for a packet the forward module inside took as fresh (it
 *   passed the upstream check) or an SPM from the source's upstream, for at most `maxSources` sources, and
 *   forgotten after `sourceIdleMs` without a packet and with no request open (looked for at every upcall, no
 *   timer of its own); requests, cache, held and given-up seqs are bounded per source; each link may send at most
 *   `maxNacksPerSecond` control messages.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import { seqDiff, type DataPacket } from '../../session/data-header.ts';
import { LOCAL_LINK, type ChannelContext, type LinkId, type ServiceModule, type ServiceModuleFactory } from '../../transport/service-module.ts';
import { BUSY_RECHECK_MS, ForwardModule } from '../forward/forward.ts';
import { innerContext } from '../inner-context.ts';
import { prefixed } from '../pushback/prefixed.ts';
import { LOSS_SOURCE, encodeLossReport, type LossReason } from './loss-report.ts';
import { NACK_TYPE, UNAVAILABLE_TYPE, decodeNack, encodeNack, toRanges, type RangeMessageType } from './nack.ts';
import { reliableSettings, type ReliableOptions, type ReliableSettings } from './options.ts';
import { LinkRateLimit } from './rate-limit.ts';
import type { RepairRequest } from './repair-requests.ts';
import { leadOf, newSourceState, sizesOf, type ReliableStateSize, type SourceState } from './source-state.ts';
import { relaySpm, sendSpm, spmAfterData, spmDue } from './source-path.ts';
import { SPM_TYPE } from './spm.ts';
import { newReliableStats, type ReliableStats } from './stats.ts';

export type { ReliableStateSize } from './source-state.ts';

/** The traffic class of retransmitted packets on a link's scheduler. */
export const REPAIR_CLASS = 'repair';

/** NACK-based reliable forwarding, loss of the tail found by SPMs, every give-up reported. */
export class ReliableModule implements ServiceModule {
  readonly stats: ReliableStats = newReliableStats();
  private readonly settings: ReliableSettings;
  private readonly inner: ForwardModule;
  private readonly onRepair: ((latencyMs: number) => void) | undefined;
  private innerDeadline: Millis | undefined;
  /** The requests' and SPMs' earliest deadline, recomputed only after they changed (`deadlinesChanged`). */
  private ownDeadline: Millis | undefined;
  private deadlinesChanged = false;
  /** When some source state may next have expired, ms (Infinity: none can). */
  private sweepAt: Millis = Infinity;
  private readonly sources = new Map<string, SourceState>();
  private readonly controlLimit: LinkRateLimit;

  constructor(
    private readonly ctx: ChannelContext,
    options: ReliableOptions = {},
  ) {
    this.settings = reliableSettings(options);
    this.onRepair = options.onRepair;
    const hooks = { deliver: (p: DataPacket) => this.fresh(p), wakeAt: (at: Millis | undefined) => (this.innerDeadline = at) };
    const s = this.settings;
    this.inner = new ForwardModule(innerContext(ctx, hooks), { maxSources: s.maxSources, sourceIdleMs: s.sourceIdleMs, ...options.forward });
    this.controlLimit = new LinkRateLimit(s.maxNacksPerSecond);
  }

  /** This module's counters, and the forward module's inside with a `forward` prefix (`forwardSourcesRefused`). */
  counters(): Readonly<Record<string, number>> {
    return { ...this.stats, ...prefixed('forward', this.inner.counters()) };
  }

  /** What the module holds now (read-only). */
  stateSize(): ReliableStateSize {
    const sizes = sizesOf(this.sources.values());
    return { sources: this.sources.size, forwardSources: this.inner.trackedSources, ...sizes, nackLinks: this.controlLimit.size };
  }

  onData(from: LinkId, packet: DataPacket): void {
    this.expireIdle(this.ctx.now());
    const st = this.sources.get(packet.header.sourceScx);
    const seq = packet.header.seq;
    const request = st?.requests.get(seq);
    if (packet.header.source === LOSS_SOURCE) {
      // Only this module makes loss reports, for its own clients: one from elsewhere would lie to them.
      this.stats.malformed++;
      this.ctx.drop('malformed');
    } else if (st && request && st.highest !== undefined && seqDiff(seq, st.highest) < 0) this.repaired(from, st, packet, request);
    else this.inner.onData(from, packet);
    this.rearm();
  }

  onControl(from: LinkId, data: Uint8Array): void {
    const now = this.ctx.now();
    this.expireIdle(now);
    const type = data[0];
    if (type !== NACK_TYPE && type !== SPM_TYPE && type !== UNAVAILABLE_TYPE) this.inner.onControl(from, data);
    // Limited before decoding: a message costs work in proportion to the seqs it names, and may send cached packets.
    else if (!this.controlLimit.take(from, now)) this.stats.nacksRateLimited++;
    else if (type === NACK_TYPE) this.onNack(from, data);
    else if (type === SPM_TYPE) this.onSpm(from, data);
    else this.onUnavailable(from, data);
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
      this.controlLimit.forget(link);
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
      const due = st.requests.due(now, this.settings);
      this.stats.nackRetries += due.retries;
      this.sendNack(source, due.nack);
      this.giveUp(st, due.expired, 'retries');
      const spm = st.spmAt !== undefined && st.spmAt <= now ? spmDue(source, st, now, this.settings) : undefined;
      if (spm) sendSpm(this.ctx, this.stats, spm);
    }
    this.expireIdle(now);
    this.controlLimit.prune(now);
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

  /** A new state for `source` (a packet the forward module took, or an SPM); undefined (counted) when `maxSources` are tracked. */
  private admit(source: string, now: Millis): SourceState | undefined {
    const s = this.settings;
    if (this.sources.size >= s.maxSources) {
      this.stats.sourcesRefused++;
      return undefined;
    }
    const deliver = (p: DataPacket): void => this.ctx.deliver(p);
    const st = newSourceState(s, now, deliver, (first, count, reason) => this.skipped(source, first, count, reason));
    this.sources.set(source, st);
    this.sweepAt = Math.min(this.sweepAt, now + s.sourceIdleMs);
    return st;
  }

  /** The forward module took `packet` as the next fresh packet of its source: cache it, note gaps, deliver in order. */
  private fresh(packet: DataPacket): void {
    const source = packet.header.sourceScx;
    const seq = packet.header.seq;
    const now = this.ctx.now();
    const known = this.sources.get(source);
    const st = known ?? this.admit(source, now);
    // Too many sources: this one's packets still reach the clients, without repair or reordering.
    if (!st) return this.ctx.deliver(packet);
    st.lastPacketMs = now;
    st.sessionId ??= packet.header.sessionId.slice();
    if (source === this.ctx.self) {
      if (!known) sendSpm(this.ctx, this.stats, { source, lead: (seq - 1) >>> 0, trail: seq });
      spmAfterData(st, now, this.settings);
      if (this.ownDeadline === undefined || this.ownDeadline > (st.spmAt as number)) this.deadlinesChanged = true;
    }
    const d = st.highest === undefined ? 1 : seqDiff(seq, st.highest);
    if (d <= 0 || d > this.settings.maxGapPackets) {
      // A restart of the source's numbering, or a hole too large to repair (reported): start over from this packet.
      this.stats.resyncs++;
      this.deadlinesChanged = true;
      if (d > 0) st.order.jumpTo(seq);
      else st.order.reset();
      st.requests.clear();
      st.cache.clear();
      st.announced = undefined;
    } else if (st.highest !== undefined) {
      for (let k = 1; k < d; k++) this.gap(st, (st.highest + k) >>> 0, now);
    }
    st.highest = seq;
    if (st.announced !== undefined && seqDiff(st.announced, seq) <= 0) st.announced = undefined;
    // A packet an SPM announced came: it went down the whole tree, so everyone who asked for it has it.
    const r = st.requests.get(seq);
    if (r) this.satisfied(st, seq, r, now);
    st.cache.put(packet, now);
    st.order.push(packet);
  }

  /** `seq` is missing here: open a request for this SCX's clients, NACKed after `nackDelayMs`; true if it is new. */
  private gap(st: SourceState, seq: number, now: Millis): boolean {
    if (!st.order.wants(seq) || st.requests.get(seq)?.askers.has(LOCAL_LINK)) return false;
    this.stats.gapsDetected++;
    this.deadlinesChanged = true;
    const r = st.requests.open(seq, now);
    if (!r) {
      st.order.abandon([seq], 'overflow');
      return true;
    }
    r.askers.set(LOCAL_LINK, Infinity);
    r.nackAt ??= now + this.settings.nackDelayMs;
    return true;
  }

  /** This SCX's clients stop waiting for `seqs`: delivery skips them and reports them (`skipped`). */
  private giveUp(st: SourceState, seqs: number[], reason: LossReason): void {
    if (seqs.length === 0) return;
    for (const seq of seqs) st.requests.withdrawLocal(seq);
    st.order.abandon(seqs, reason);
    this.deadlinesChanged = true;
  }

  /** The request for `seq` is answered: closed, and its repair time noted if this SCX's clients waited. */
  private satisfied(st: SourceState, seq: number, r: RepairRequest, now: Millis): void {
    st.requests.close(seq);
    this.deadlinesChanged = true;
    this.stats.repairsReceived++;
    if (!r.askers.has(LOCAL_LINK)) return;
    this.stats.maxRepairMs = Math.max(this.stats.maxRepairMs, now - r.since);
    this.onRepair?.(now - r.since);
  }

  /** A packet some request waits for arrived: to the clients if they wait, and to the links in the soft state. */
  private repaired(from: LinkId, st: SourceState, packet: DataPacket, r: RepairRequest): void {
    const now = this.ctx.now();
    this.satisfied(st, packet.header.seq, r, now);
    st.lastPacketMs = now;
    st.cache.put(packet, now);
    for (const [link, until] of r.askers) {
      if (link === LOCAL_LINK) st.order.push(packet);
      else if (link !== from && until > now) {
        this.ctx.send(link, packet, REPAIR_CLASS);
        st.cache.repairedTo(packet.header.seq, link, now);
        this.stats.repairsForwarded++;
      }
    }
  }

  /** An SPM from upstream (passed on down the tree): seqs up to its lead never seen here become gaps. */
  private onSpm(from: LinkId, data: Uint8Array): void {
    const spm = relaySpm(this.ctx, this.stats, from, data);
    if (!spm) return;
    const now = this.ctx.now();
    const st = this.sources.get(spm.source);
    if (!st) {
      // Heard of before any packet: delivery starts right after `lead` (at the first packet, for an opening SPM).
      const created = this.admit(spm.source, now);
      created?.order.start((spm.lead + 1) >>> 0);
      if (created) created.highest = spm.lead;
      return;
    }
    const known = leadOf(st) as number;
    const d = seqDiff(spm.lead, known);
    if (d > 0 && d <= this.settings.maxGapPackets) {
      for (let k = 1; k <= d; k++) if (this.gap(st, (known + k) >>> 0, now)) this.stats.spmGaps++;
      st.announced = spm.lead;
    }
    // Before the trail, not even the source SCX can repair: stop waiting.
    this.giveUp(st, st.requests.localBefore(spm.trail), 'unavailable');
  }

  /** An UNAVAILABLE from upstream: the requests it names are given up here and the news passed to who asked. */
  private onUnavailable(from: LinkId, data: Uint8Array): void {
    const decoded = decodeNack(data, UNAVAILABLE_TYPE);
    if (!decoded.ok) return this.malformed();
    const { source, ranges } = decoded.value;
    if (from !== this.ctx.upstream(source)) {
      this.stats.controlNotUpstream++;
      return;
    }
    const st = this.sources.get(source);
    if (!st) return;
    const seqs = ranges.flatMap(({ first, count }) => Array.from({ length: count }, (_, k) => (first + k) >>> 0));
    const { local, links } = st.requests.closeUnavailable(seqs, this.ctx.now());
    this.stats.unavailableReceived += local.length;
    this.deadlinesChanged = true;
    st.order.abandon(local, 'unavailable');
    for (const [link, onward] of links) this.sendRanges(link, source, onward, UNAVAILABLE_TYPE);
  }

  /** A NACK from a downstream link: answer from the cache, or ask upstream once and remember who asked. */
  private onNack(from: LinkId, data: Uint8Array): void {
    const decoded = decodeNack(data);
    if (!decoded.ok) return this.malformed();
    const nack = decoded.value;
    this.stats.nacksReceived++;
    // Only a link this SCX forwards the source to may ask for its repairs: anyone else would aim them elsewhere.
    if (!this.ctx.downstream(nack.source).includes(from)) {
      this.stats.nacksNotDownstream++;
      return;
    }
    const st = this.sources.get(nack.source);
    const lead = st && leadOf(st);
    const upstream = this.ctx.upstream(nack.source);
    // The source SCX has nobody to ask: what it lacks is lost for good.
    const root = nack.source === this.ctx.self;
    const now = this.ctx.now();
    const ask: number[] = [];
    const gone: number[] = [];
    for (const { first, count } of nack.ranges) {
      this.stats.nackSeqsReceived += count;
      for (let k = 0; k < count; k++) {
        const seq = (first + k) >>> 0;
        const cached = st?.cache.get(seq, now);
        if (cached && st?.cache.repairedSince(seq, from, now - this.settings.nackEliminateMs)) {
          this.stats.nackSeqsEliminated++;
        } else if (cached) {
          this.ctx.send(from, cached, REPAIR_CLASS);
          st?.cache.repairedTo(seq, from, now);
          this.stats.retransmissions++;
        } else if (!st || lead === undefined || !this.inWindow(seq, lead)) {
          this.stats.unrepairable++; // never seen this source, not sent yet, or too old to repair
          if (root || (lead !== undefined && seqDiff(seq, lead) < 0)) gone.push(seq);
        } else if (upstream === undefined || upstream === from || upstream === LOCAL_LINK) {
          this.stats.unrepairable++;
          if (root) gone.push(seq);
        } else {
          const joined = st.requests.join(seq, from, now, this.settings.stateMs, this.settings.retryMs);
          if (joined === 'ask') ask.push(seq);
          this.stats[joined === 'ask' ? 'nackSeqsForwarded' : joined === 'suppressed' ? 'nackSeqsSuppressed' : 'unrepairable']++;
          this.deadlinesChanged = true;
        }
      }
    }
    this.sendNack(nack.source, ask);
    this.sendRanges(from, nack.source, gone, UNAVAILABLE_TYPE);
  }

  /** Whether `seq` is a packet this SCX has seen the numbering pass, recently enough to repair. */
  private inWindow(seq: number, lead: number): boolean {
    const d = seqDiff(seq, lead);
    return d <= 0 && d >= -this.settings.maxGapPackets;
  }

  /** Sends NACKs for `seqs` of `source` to its upstream link. */
  private sendNack(source: string, seqs: number[]): void {
    const upstream = this.ctx.upstream(source);
    if (upstream === undefined || upstream === LOCAL_LINK) return;
    this.sendRanges(upstream, source, seqs, NACK_TYPE);
  }

  /** Sends `seqs` of `source` to `link` in as many NACK (or UNAVAILABLE) messages as the bounds need. */
  private sendRanges(link: LinkId, source: string, seqs: number[], type: RangeMessageType): void {
    if (seqs.length === 0) return;
    seqs.sort(seqDiff);
    for (const ranges of toRanges(seqs)) {
      this.ctx.sendControl(link, encodeNack(source, ranges, type));
      if (type === NACK_TYPE) this.stats.nacksSent++;
    }
    if (type === NACK_TYPE) this.stats.nackSeqsSent += seqs.length;
    else this.stats.unavailableSent += seqs.length;
  }

  /** A reliable control message that does not decode: counted, dropped. */
  private malformed(): void {
    this.stats.malformed++;
    this.ctx.drop('malformed');
  }

  /** Delivery went past seqs `first`.. without them: the clients get a loss report, nobody here waits any more. */
  private skipped(source: string, first: number, count: number, reason: LossReason): void {
    this.stats.giveUps += count;
    this.stats.lossReports++;
    // A jump is a hole in the numbering, not packets dropped here; the others are at most a window wide.
    if (reason !== 'jump') for (let k = 0; k < count; k++) this.ctx.drop(reason === 'overflow' ? 'overflow' : 'stale');
    const st = this.sources.get(source);
    st?.requests.withdrawLocalRange(first, count);
    const stamp = { sessionId: st?.sessionId, channel: this.ctx.channel, now: this.ctx.now() };
    this.ctx.deliver(encodeLossReport({ sourceScx: source, first, count, reason }, stamp));
    this.deadlinesChanged = true;
  }

  /** Gives the framework the earlier of the forward module's deadline and this module's (requests, SPMs). */
  private rearm(): void {
    if (this.deadlinesChanged) {
      this.deadlinesChanged = false;
      let own = Infinity;
      for (const st of this.sources.values()) own = Math.min(own, st.requests.nextDeadline() ?? Infinity, st.spmAt ?? Infinity);
      this.ownDeadline = own === Infinity ? undefined : own;
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
