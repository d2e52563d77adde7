/**
 * Loss repair of the adu module at one SCX (paper 5.1, 5.2): per (source SCX, presentation, slide) the numbering seen
 * and the open requests. A gap, or a SUMMARY announcing more, opens a request, NACKed upstream after the delay and
 * within the budget of the slide's interest level here (high-interest slides first). NACKs from downstream links are
 * answered from the cache (class `repair-high` or `repair-low` by the asking link's interest; not again to a link sent
 * the same repair within `repairEliminateMs`), else asked upstream once with the askers remembered (soft state); the
 * source SCX answers UNAVAILABLE. Repairs are taken only from the source's upstream. Bounded: slides, requests per
 * slide, open requests in all, and the seqs each link may NACK per second (the work a NACK costs is per seq).
 */

import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';
import { LOCAL_LINK, type ChannelContext, type LinkId } from '../../transport/service-module.ts';
import { LinkRateLimit } from '../reliable/rate-limit.ts';
import type { LocalDelivery } from './delivery.ts';
import type { FragmentCache } from './fragment-cache.ts';
import type { InterestTable } from './interest-table.ts';
import type { AduOptions, AduSettings, InterestLevel } from './options.ts';
import { newSlideState, slideKey, type SlideState } from './slide-state.ts';
import type { AduStats } from './stats.ts';
import type { AduHeader } from './wire/adu.ts';
import { ADU_NACK_TYPE, ADU_UNAVAILABLE_TYPE, decodeSlideRanges, rangeMessages, seqsOf, type AduRangeType } from './wire/control.ts';

/** A NACK over its level's budget is looked at again this much later, ms. */
const BUDGET_RECHECK_MS = 10;

/** The parts of the module repairs work with. */
export interface RepairDeps {
  readonly ctx: ChannelContext;
  readonly settings: AduSettings;
  readonly stats: AduStats;
  readonly cache: FragmentCache;
  readonly interest: InterestTable;
  readonly delivery: LocalDelivery;
  readonly onRepair: AduOptions['onRepair'];
  /** A slide state was created (the module reports interest upstream from then on). */
  readonly onNewSlide: () => void;
}

/** Gaps, requests and repairs of every slide this SCX tracks. */
export class AduRepairs {
  /** The slides tracked, by `slideKey`. */
  readonly slides = new Map<string, SlideState>();
  /** Tokens of this SCX's own NACKs, by interest level. */
  private readonly nackBudget: Record<InterestLevel, LinkRateLimit>;
  /** Tokens of the seqs each downstream link may NACK here (one a seq). */
  private readonly askLimit: LinkRateLimit;
  private changed = false;
  private deadline: Millis | undefined;

  constructor(private readonly d: RepairDeps) {
    this.nackBudget = { high: new LinkRateLimit(d.settings.nackBudgetHigh), low: new LinkRateLimit(d.settings.nackBudgetLow) };
    this.askLimit = new LinkRateLimit(d.settings.maxNackSeqsPerSecond);
  }

  /** Requests open, all slides together. */
  get requestCount(): number {
    let n = 0;
    for (const st of this.slides.values()) n += st.requests.size;
    return n;
  }

  /** The slide's interest at this SCX. */
  levelOf(st: SlideState): InterestLevel {
    return this.d.interest.high(st.presentation, st.slide) ? 'high' : 'low';
  }

  /** The state of a slide of `source`, created if there is room (else undefined, counted). */
  slideState(source: string, presentation: string, slide: number): SlideState | undefined {
    const key = slideKey(source, presentation, slide);
    const known = this.slides.get(key);
    if (known) return known;
    if (this.slides.size >= this.d.settings.maxSlides) {
      this.d.stats.slidesRefused++;
      return undefined;
    }
    const st = newSlideState(source, presentation, slide, this.d.settings.maxRequests);
    this.slides.set(key, st);
    this.d.onNewSlide();
    return st;
  }

  /** A fresh reliable fragment `packet` of the slide: gaps before it noted, its own request closed, cached. */
  fresh(st: SlideState, packet: DataPacket, h: AduHeader, now: Millis): void {
    this.advance(st, h.slideSeq, now);
    if (st.requests.get(h.slideSeq)) this.closeRequest(st, h.slideSeq, now);
    this.d.cache.put(st.key, h.slideSeq, packet, `${h.presentation}\u0000${h.object}`, h.version);
  }

  /** Whether `packet` answers an open request of the slide and comes from the source's upstream: a repair. */
  isRepair(from: LinkId, st: SlideState, seq: number): boolean {
    return seq <= st.highest && st.requests.get(seq) !== undefined && from === this.d.ctx.upstream(st.source);
  }

  /**
   * The slide's numbering reached `seq` (arrived, or only `announced`): the seqs missed are gaps (past
   * `maxGapFragments`: the last ones), as many as `room` (open requests left in all) allows; returns the room left.
   */
  advance(st: SlideState, seq: number, now: Millis, announced = false, room?: number): number {
    if (seq <= st.highest) return room ?? 0;
    const from = Math.max(st.highest + 1, seq - this.d.settings.maxGapFragments);
    if (from > st.highest + 1) this.d.stats.gapsTooLarge++;
    st.highest = seq;
    const to = announced ? seq : seq - 1;
    if (from > to) return room ?? 0;
    let left = room ?? this.room();
    let s = from;
    for (; s <= to && left > 0; s++) if (this.gap(st, s, now)) left--;
    if (s <= to) this.d.stats.requestsRefused++;
    return left;
  }

  /** Requests that may still be opened before `maxOpenRequests` are. */
  room(): number {
    return Math.max(0, this.d.settings.maxOpenRequests - this.requestCount);
  }

  /** This SCX's own NACKs (and give-ups) due at `now`: high-interest slides take their budget first. */
  due(now: Millis): void {
    this.changed = true;
    for (const level of ['high', 'low'] as const) {
      for (const st of this.slides.values()) if (this.levelOf(st) === level) this.requestsDue(st, level, now);
    }
  }

  /** A fragment some request waits for arrived from upstream: cached, to the local clients if they wait, and to the links that asked. */
  repaired(from: LinkId, st: SlideState, packet: DataPacket, h: AduHeader): void {
    const now = this.d.ctx.now();
    const r = st.requests.get(h.slideSeq)!;
    this.closeRequest(st, h.slideSeq, now);
    this.d.cache.put(st.key, h.slideSeq, packet, `${h.presentation}\u0000${h.object}`, h.version);
    for (const [link, until] of r.askers) {
      if (link === LOCAL_LINK) this.d.delivery.push(packet, h, now);
      else if (link !== from && until > now) {
        this.d.ctx.send(link, packet, this.repairClass(link, st));
        this.d.cache.repairedTo(st.key, h.slideSeq, link, now);
        this.d.stats.repairsForwarded++;
      }
    }
  }

  /** A NACK from a downstream link: answer from the cache, or ask upstream once and remember who asked. False: malformed. */
  onNack(from: LinkId, data: Uint8Array): boolean {
    const { ctx, settings, stats, cache } = this.d;
    const d = decodeSlideRanges(data, ADU_NACK_TYPE);
    if (!d.ok) return false;
    const m = d.value;
    const seqs = seqsOf(m.ranges);
    stats.nackSeqsReceived += seqs.length;
    if (!ctx.downstream(m.source).includes(from)) {
      stats.nackSeqsRefused += seqs.length;
      return true;
    }
    const st = this.slides.get(slideKey(m.source, m.presentation, m.slide));
    const upstream = ctx.upstream(m.source);
    const root = m.source === ctx.self;
    const now = ctx.now();
    const ask: number[] = [];
    const gone: number[] = [];
    let room: number | undefined;
    let cls: 'repair-high' | 'repair-low' | undefined;
    for (const [k, seq] of seqs.entries()) {
      if (!this.askLimit.take(from, now)) {
        stats.nackSeqsRateLimited += seqs.length - k;
        break;
      }
      if (st && !root && (seq > st.highest || seq < 1)) {
        stats.nackSeqsRefused++;
        continue;
      }
      const cached = st && cache.get(st.key, seq);
      if (st && cached && cache.repairedSince(st.key, seq, from, now - settings.repairEliminateMs)) stats.nackSeqsEliminated++;
      else if (st && cached) {
        cls ??= this.repairClass(from, st);
        ctx.send(from, cached, cls);
        cache.repairedTo(st.key, seq, from, now);
        stats.retransmissions++;
        if (cls === 'repair-high') stats.retransmissionsHigh++;
      } else if (root) gone.push(seq);
      else if (!st || upstream === undefined || upstream === from || upstream === LOCAL_LINK) stats.nackSeqsRefused++;
      else if (!st.requests.get(seq) && (room ??= this.room()) <= 0) stats.nackSeqsRefused++;
      else {
        if (!st.requests.get(seq)) room!--;
        const joined = st.requests.join(seq, from, now, settings.stateMs, settings.retryMs);
        if (joined === 'ask') ask.push(seq);
        else if (joined === 'suppressed') stats.nackSeqsSuppressed++;
        else stats.nackSeqsRefused++;
        this.changed = true;
      }
    }
    if (st) this.sendRanges(upstream, st, ask, ADU_NACK_TYPE);
    this.sendRanges(from, { source: m.source, presentation: m.presentation, slide: m.slide }, gone, ADU_UNAVAILABLE_TYPE);
    return true;
  }

  /** An UNAVAILABLE from upstream: the requests it names close here and the news goes to the links that asked. False: malformed. */
  onUnavailable(from: LinkId, data: Uint8Array): boolean {
    const d = decodeSlideRanges(data, ADU_UNAVAILABLE_TYPE);
    if (!d.ok || from !== this.d.ctx.upstream(d.value.source)) return false;
    const st = this.slides.get(slideKey(d.value.source, d.value.presentation, d.value.slide));
    if (!st) return true;
    const { local, links } = st.requests.closeUnavailable(seqsOf(d.value.ranges), this.d.ctx.now());
    this.d.stats.unavailableReceived += local.length;
    this.changed = true;
    for (const [link, onward] of links) this.sendRanges(link, st, onward, ADU_UNAVAILABLE_TYPE);
    return true;
  }

  /** The upstream of `source` changed: requests NACKed to the previous one are asked again of the new one soon. */
  upstreamChanged(source: string): void {
    const soon = this.d.ctx.now() + this.d.settings.nackDelayHighMs;
    for (const st of this.slides.values()) {
      if (st.source !== source) continue;
      for (const [, r] of st.requests.entries()) if (r.nackAt !== undefined && r.askedAt !== undefined && r.nackAt > soon) r.nackAt = soon;
    }
    this.changed = true;
  }

  /** Forgets `link` in every request (its peer is gone). */
  forgetLink(link: LinkId): void {
    this.askLimit.forget(link);
    for (const st of this.slides.values()) st.requests.forgetLink(link);
    this.changed = true;
  }

  /** Drops the NACK token buckets that have refilled by `now`. */
  prune(now: Millis): void {
    this.askLimit.prune(now);
  }

  /** The earliest retry or end of a link's soft state, ms (recomputed only after something changed). */
  nextDeadline(): Millis | undefined {
    if (this.changed) {
      this.changed = false;
      let next = Infinity;
      for (const st of this.slides.values()) next = Math.min(next, st.requests.nextDeadline() ?? Infinity);
      this.deadline = next === Infinity ? undefined : next;
    }
    return this.deadline;
  }

  /** `seq` of the slide is missing here: a request for this SCX's clients, NACKed after its level's delay; says whether one opened. */
  private gap(st: SlideState, seq: number, now: Millis): boolean {
    if (this.d.cache.get(st.key, seq)) return false;
    const r = st.requests.open(seq, now);
    if (!r || r.askers.has(LOCAL_LINK)) return false;
    this.d.stats.gapsDetected++;
    r.askers.set(LOCAL_LINK, Infinity);
    r.nackAt ??= now + (this.levelOf(st) === 'high' ? this.d.settings.nackDelayHighMs : this.d.settings.nackDelayLowMs);
    this.changed = true;
    return true;
  }

  /** The request for `seq` is answered; its repair time noted if this SCX's clients waited. */
  private closeRequest(st: SlideState, seq: number, now: Millis): void {
    const r = st.requests.get(seq);
    if (!r) return;
    st.requests.close(seq);
    this.changed = true;
    this.d.stats.repairsReceived++;
    if (!r.askers.has(LOCAL_LINK)) return;
    this.d.stats.maxRepairMs = Math.max(this.d.stats.maxRepairMs, now - r.since);
    this.d.onRepair?.(now - r.since, this.levelOf(st), st.slide);
  }

  /** The class of a repair of the slide on `link`, by the interest of the link's side. */
  private repairClass(link: LinkId, st: SlideState): 'repair-high' | 'repair-low' {
    return this.d.interest.linkHigh(link, st.presentation, st.slide) ? 'repair-high' : 'repair-low';
  }

  /** This SCX's own NACKs (and give-ups) due at `now` on the slide, within the level's budget. */
  private requestsDue(st: SlideState, level: InterestLevel, now: Millis): void {
    st.requests.expire(now);
    const due = st.requests.due(now, this.d.settings);
    const ask: number[] = [];
    for (const seq of due.nack) {
      if (this.nackBudget[level].take(level, now)) ask.push(seq);
      else {
        const r = st.requests.get(seq)!;
        r.tries--;
        r.nackAt = now + BUDGET_RECHECK_MS;
        this.d.stats.nacksDeferred++;
      }
    }
    this.sendRanges(this.d.ctx.upstream(st.source), st, ask, ADU_NACK_TYPE);
    for (const seq of due.expired) {
      st.requests.withdrawLocal(seq);
      this.d.stats.giveUps++;
    }
  }

  /** Sends `seqs` of the slide to `link` as NACKs (or UNAVAILABLEs), in as many messages as the bounds need. */
  private sendRanges(link: LinkId | undefined, st: Pick<SlideState, 'source' | 'presentation' | 'slide'>, seqs: number[], type: AduRangeType): void {
    if (seqs.length === 0 || link === undefined || link === LOCAL_LINK) return;
    const messages = rangeMessages({ ...st, ranges: [] }, seqs, type);
    for (const bytes of messages) this.d.ctx.sendControl(link, bytes);
    if (type === ADU_NACK_TYPE) this.d.stats.nacksSent += messages.length;
    this.d.stats[type === ADU_NACK_TYPE ? 'nackSeqsSent' : 'unavailableSent'] += seqs.length;
  }
}
