/**
 * The `pushback` service module: congestion control with explicit pushback (paper 5.2), over TCP data links.
 *
 * - Forwarding is the forward module's, run inside (composition); every link's queue is bounded and overflow
 *   drops by the factory's drop policy (`pushback`: tail; `pushback-branch`: oldest).
 * - Every `checkMs` each SCX looks at its downstream links: one whose queue delay stays over `delayMs` for
 *   `holdMs` is congested, and the branch below it can take the link's drain rate (shared by the sources using it).
 * - Per source, the SCX combines its branches (its own congested links and the notices from the SCXs below):
 *   `slowest` takes the slowest branch, `per-branch` the fastest (a branch that is not congested takes anything,
 *   so a slow branch never slows a fast one). When the result is a rate, CONGESTION(source, rate) goes upstream
 *   at most every `noticeMs`; so the notice percolates SCX by SCX to the source SCX.
 * - The source SCX limits its local source (source-limit.ts: back off below the notified rate, probe upwards while
 *   no notice comes, lift after `liftMs`), paces the source's packets to the limit (pacer.ts), and tells the
 *   sender clients the limit over the client control path (the same CONGESTION bytes; rate 0: lifted).
 * - Bounded state: per-source state only for packets from the source's upstream (or the local source at its SCX),
 *   at most `maxSources`, forgotten `sourceIdleMs` after the last packet; per source one entry per downstream
 *   link and at most `maxClients` clients; notices from other links or about untracked sources are ignored.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { SchedulerOptions } from '../../transport/scheduler.ts';
import {
  LOCAL_LINK,
  type ChannelContext,
  type LinkId,
  type ServiceModule,
  type ServiceModuleFactory,
} from '../../transport/service-module.ts';
import { ForwardModule } from '../forward/forward.ts';
import { innerContext } from '../inner-context.ts';
import { CongestionWatch } from './congestion-watch.ts';
import { CONGESTION_TYPE, decodeCongestion, encodeCongestion } from './notice.ts';
import { pushbackSettings, type PushbackOptions, type PushbackSettings } from './options.ts';
import { Pacer } from './pacer.ts';
import { prefixed } from './prefixed.ts';
import { SourceLimit } from './source-limit.ts';
import { newPushbackStats, type PushbackStats } from './stats.ts';

/** A source that sent nothing for this long does not share its links' rate any more, ms. */
const ACTIVE_MS = 1000;

/** What an SCX keeps per source. */
interface PushSource {
  lastDataMs: Millis;
  /** The rates the SCXs below said they take (bytes/s), by link, and until when each counts. */
  readonly branches: Map<LinkId, { rate: number; until: Millis }>;
  /** When the last notice about this source went upstream. */
  lastNoticeMs: Millis;
  /** At the source SCX: the limit, the pacer, the sender clients and what they were last told. */
  readonly own?: {
    readonly limit: SourceLimit;
    readonly pacer: Pacer;
    readonly clients: Set<string>;
    told: number | undefined;
    lastToldMs: Millis;
  };
}

/** Congestion control with explicit pushback. */
export class PushbackModule implements ServiceModule {
  readonly stats: PushbackStats = newPushbackStats();
  private readonly s: PushbackSettings;
  private readonly inner: ForwardModule;
  private innerDeadline: Millis | undefined;
  private checkAt: Millis | undefined;
  private readonly watch: CongestionWatch;
  private readonly sources = new Map<string, PushSource>();

  constructor(
    private readonly ctx: ChannelContext,
    options: PushbackOptions = {},
  ) {
    this.s = pushbackSettings(options);
    const hooks = { deliver: (p: DataPacket) => ctx.deliver(p), wakeAt: (at: Millis | undefined) => (this.innerDeadline = at) };
    this.inner = new ForwardModule(innerContext(ctx, hooks), options.forward);
    this.watch = new CongestionWatch(this.s);
  }

  /** This module's counters, and the forward module's inside with a `forward` prefix. */
  counters(): Readonly<Record<string, number>> {
    return { ...this.stats, ...prefixed('forward', this.inner.counters()) };
  }

  /** The limit on `source`'s local sender at this SCX, bytes/s; undefined when there is none (or this is not its SCX). */
  limitOf(source: string): number | undefined {
    return this.sources.get(source)?.own?.limit.rate;
  }

  /** Sources tracked now (at most `maxSources`). */
  get trackedSources(): number {
    return this.sources.size;
  }

  onData(from: LinkId, packet: DataPacket): void {
    const now = this.ctx.now();
    const source = packet.header.sourceScx;
    const local = from === LOCAL_LINK && source === this.ctx.self;
    const st = local || from === this.ctx.upstream(source) ? this.track(source, now) : undefined;
    if (st) st.lastDataMs = now;
    if (st?.own && local) this.pace(st, packet, now);
    else this.inner.onData(from, packet);
    this.rearm();
  }

  onControl(from: LinkId, data: Uint8Array): void {
    if (data[0] !== CONGESTION_TYPE) {
      this.inner.onControl(from, data);
      return this.rearm();
    }
    const notice = decodeCongestion(data);
    if (!notice.ok) return this.ctx.drop('malformed');
    const { source, rate } = notice.value;
    const st = this.sources.get(source);
    if (!st || from === LOCAL_LINK || !this.ctx.downstream(source).includes(from)) {
      this.stats.noticesRefused++;
      return;
    }
    this.stats.noticesReceived++;
    if (rate === 0) st.branches.delete(from);
    else st.branches.set(from, { rate, until: this.ctx.now() + this.s.noticeHoldMs });
  }

  onLinkUp(link: LinkId): void {
    this.inner.onLinkUp(link);
  }

  onLinkDown(link: LinkId, reason: NeighbourDownReason): void {
    this.inner.onLinkDown(link, reason);
    this.watch.forget(link);
    for (const st of this.sources.values()) st.branches.delete(link);
    this.rearm();
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    this.inner.onUpstreamChange(source, upstream, previous);
    this.rearm();
  }

  onDownstreamChange(source: string, downstream: readonly LinkId[]): void {
    this.inner.onDownstreamChange(source, downstream);
    this.rearm();
  }

  handleTimeout(now: Millis): void {
    if (this.innerDeadline !== undefined && this.innerDeadline <= now) this.inner.handleTimeout(now);
    if (this.checkAt !== undefined && this.checkAt <= now) this.check(now);
    for (const st of this.sources.values()) if (st.own) this.release(st, now);
    this.rearm();
  }

  /** `source`'s state, created for a packet that passed the upstream check; undefined (counted) past `maxSources`. */
  private track(source: string, now: Millis): PushSource | undefined {
    const known = this.sources.get(source);
    if (known) return known;
    if (this.sources.size >= this.s.maxSources) {
      this.stats.sourcesRefused++;
      return undefined;
    }
    const own =
      source === this.ctx.self
        ? { limit: new SourceLimit(this.s), pacer: new Pacer(this.s.pacerBytes, this.s.burstMs), clients: new Set<string>(), told: undefined, lastToldMs: -Infinity }
        : undefined;
    const st: PushSource = { lastDataMs: now, branches: new Map(), lastNoticeMs: -Infinity, ...(own && { own }) };
    this.sources.set(source, st);
    this.checkAt ??= now + this.s.checkMs;
    return st;
  }

  /** A packet of the local source: through the pacer when a limit holds (or packets wait), else straight on. */
  private pace(st: PushSource, packet: DataPacket, now: Millis): void {
    const own = st.own as NonNullable<PushSource['own']>;
    if (own.clients.size < this.s.maxClients) own.clients.add(packet.header.source);
    if (own.limit.rate === undefined && own.pacer.queuedBytes === 0) return this.inner.onData(LOCAL_LINK, packet);
    if (!own.pacer.offer(packet)) {
      this.stats.pacerDrops++;
      this.ctx.drop('overflow');
    }
    this.release(st, now);
  }

  /** Hands the forward module the local source's packets the pacer lets go at `now`. */
  private release(st: PushSource, now: Millis): void {
    const own = st.own as NonNullable<PushSource['own']>;
    for (const p of own.pacer.release(now, own.limit.rate)) this.inner.onData(LOCAL_LINK, p);
  }

  /** The periodic look: congestion of the downstream links, the rate per source, notices, limits, expiry. */
  private check(now: Millis): void {
    const users = new Map<LinkId, number>();
    for (const [source, st] of this.sources) {
      if (st.lastDataMs + this.s.sourceIdleMs <= now && (st.own?.pacer.queuedBytes ?? 0) === 0) this.sources.delete(source);
      else if (now - st.lastDataMs < ACTIVE_MS) for (const l of this.ctx.downstream(source)) users.set(l, (users.get(l) ?? 0) + 1);
    }
    for (const link of users.keys()) this.watch.observe(link, this.ctx.queueDelayMs(link), now);
    for (const [source, st] of this.sources) {
      const allowed = this.allowed(source, st, users, now);
      if (st.own) this.limit(st, allowed, now);
      else if (allowed < Infinity && now - st.lastNoticeMs >= this.s.noticeMs) this.notify(source, st, allowed, now);
    }
    this.checkAt = this.sources.size > 0 ? now + this.s.checkMs : undefined;
  }

  /** Bytes/s the branches below take of `source` by the policy (Infinity: no limit); forgets notices no longer valid. */
  private allowed(source: string, st: PushSource, users: ReadonlyMap<LinkId, number>, now: Millis): number {
    const downstream = this.ctx.downstream(source);
    for (const [link, b] of st.branches) if (b.until <= now || !downstream.includes(link)) st.branches.delete(link);
    const slowest = this.s.policy === 'slowest';
    let acc = slowest ? Infinity : -Infinity;
    for (const link of downstream) {
      const measured = this.watch.congested(link, now) ? this.ctx.linkRate(link) : undefined;
      const own = measured === undefined ? Infinity : measured / (users.get(link) ?? 1);
      const rate = Math.min(own, st.branches.get(link)?.rate ?? Infinity);
      acc = slowest ? Math.min(acc, rate) : Math.max(acc, rate);
    }
    return acc === -Infinity ? Infinity : acc;
  }

  /** Sends CONGESTION(source, rate) upstream, the rate at least `minRate`. */
  private notify(source: string, st: PushSource, rate: number, now: Millis): void {
    const upstream = this.ctx.upstream(source);
    if (upstream === undefined) return;
    // A stalled branch measures 0 B/s, which the wire reads as "lifted": a notice carries at least minRate.
    this.ctx.sendControl(upstream, encodeCongestion(source, Math.max(this.s.minRate, rate)));
    this.stats.noticesSent++;
    st.lastNoticeMs = now;
  }

  /** At the source SCX: applies the branches' rate to the limit and tells the sender clients when it moved. */
  private limit(st: PushSource, allowed: number, now: Millis): void {
    const own = st.own as NonNullable<PushSource['own']>;
    const noticed = allowed < Infinity && own.limit.notice(allowed, now);
    if (noticed || own.limit.tick(now)) this.stats.limitChanges++;
    const rate = own.limit.rate;
    const moved = rate === undefined ? own.told !== undefined : own.told === undefined || Math.abs(rate - own.told) > own.told / 100;
    if (!moved || (rate !== undefined && now - own.lastToldMs < this.s.noticeMs)) return;
    own.told = rate;
    own.lastToldMs = now;
    const data = encodeCongestion(this.ctx.self, rate ?? 0);
    for (const client of own.clients) {
      this.ctx.sendClientControl(client, data);
      this.stats.clientNotices++;
    }
  }

  private rearm(): void {
    let next = minDefined(this.innerDeadline, this.checkAt);
    for (const st of this.sources.values()) if (st.own) next = minDefined(next, st.own.pacer.nextAt(st.own.limit.rate));
    this.ctx.wakeAt(next);
  }
}

function minDefined(a: Millis | undefined, b: Millis | undefined): Millis | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Link queues of the pushback factories: bounded, 256 KiB per link. */
const QUEUE_BYTES = 256 * 1024;

/** A pushback module factory with these options, link queue and transport names (over TCP). */
export function pushbackFactory(options: PushbackOptions, scheduler: SchedulerOptions, names: readonly string[], description: string): ServiceModuleFactory {
  pushbackSettings(options); // refuses bad options when the factory is made, not per channel
  return { names, dataTransport: 'tcp', description, scheduler, create: (ctx) => new PushbackModule(ctx, options) };
}

/** `pushback`: the source follows the slowest branch, link queues drop the arriving packet (reliable, bulk data). */
export const pushback = pushbackFactory({ policy: 'slowest' }, { maxQueueBytes: QUEUE_BYTES, dropPolicy: 'tail' }, ['pushback'], 'forwarding with congestion pushback: the source follows the slowest branch, over TCP');

/** `pushback-branch`: the source follows the fastest branch, slower ones shed their oldest packets (media). */
export const pushbackBranch = pushbackFactory(
  { policy: 'per-branch' },
  { maxQueueBytes: QUEUE_BYTES, dropPolicy: 'oldest' },
  ['pushback-branch'],
  'forwarding with congestion pushback: the source follows the fastest branch, slower ones shed their oldest packets, over TCP',
);
