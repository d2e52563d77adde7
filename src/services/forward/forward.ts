/**
 * The `forward` service module: best-effort forwarding of each source's packets down its reverse-shortest-path
 * tree, with make-before-break on route changes.
 *
 * Make-before-break, from both ends of a switch:
 * - downstream: when the upstream of a source changes, the previous upstream is still accepted (a handover)
 *   until the new one delivers the next packet in sequence, or one already forwarded (it is behind, and its
 *   ordered stream covers what follows); packets the new upstream sends ahead of the sequence are held back
 *   until the previous upstream fills in. Then RELEASE goes to the previous upstream.
 *   A handover also ends when the previous upstream fails, stalls (`stallMs` silent while packets wait) or
 *   `handoverMs` passes.
 * - upstream: a link that leaves a source's downstream set keeps receiving (it lingers) until it sends
 *   RELEASE, fails, or `handoverMs` passes.
 * Every SCX forwards (and delivers to its clients) each sequence number at most once and in order, so clients see no duplicate and no gap
 * caused by a switch (packets lost in a failure stay lost: this is best effort).
 *
 * Bounded state: a source's state is created only for a packet that passed the upstream check (from the upstream
 * the routing table gives for that source, or a local source at its own SCX), at most `maxSources` at once
 * (a packet of one more is dropped as `overflow` and counted in `sourcesRefused`), and forgotten after
 * `sourceIdleMs` without a packet (counted in `sourcesExpired`). A packet naming an unknown source costs nothing.
 * Expiry needs no timer of its own: every packet, control message and timeout first forgets the states whose
 * time is up (a look over all states, at most once per expiry due), so state never grows while stale state waits.
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
import { decodeRelease, encodeRelease } from './release.ts';
import { newSourceState, type Handover, type SourceState } from './source-state.ts';

/** Options of the forward module. */
export interface ForwardOptions {
  /** Longest a handover (or a lingering downstream link) lasts, ms (default 3000). */
  readonly handoverMs?: number;
  /** Most packets held back during one handover (default 4096). */
  readonly maxHeld?: number;
  /** A handover whose previous upstream has sent nothing for this long while packets wait ends early, ms (default 500). */
  readonly stallMs?: number;
  /** A source's state is forgotten after this long without a packet (and no handover or lingering link), at the module's next upcall, ms (default 60000). */
  readonly sourceIdleMs?: number;
  /** Most sources tracked at once; a packet of one more is dropped and counted in `sourcesRefused`, sources (default 1024). */
  readonly maxSources?: number;
}

/** Counters of one forward module instance (`counters()`, on /metrics as `scattercast_module_events_total`). */
export interface ForwardStats {
  /** Packets that passed the upstream check but named a new source while `maxSources` were tracked (dropped). */
  sourcesRefused: number;
  /** Source states forgotten after `sourceIdleMs` without a packet. */
  sourcesExpired: number;
  /** Handovers that ended with nothing from the new upstream while the previous one delivered: the new one was reported silent. */
  upstreamsSilent: number;
}

/** A sequence jump at least this large (either way) means the source restarted its numbering. */
const RESTART_DISTANCE = 1 << 20;

/** A state whose time is up while a handover or lingering link keeps it is looked at again this much later, ms. */
export const BUSY_RECHECK_MS = 1000;

/** Best-effort forwarding with make-before-break. */
export class ForwardModule implements ServiceModule {
  readonly stats: ForwardStats = { sourcesRefused: 0, sourcesExpired: 0, upstreamsSilent: 0 };
  private readonly sources = new Map<string, SourceState>();
  /** Links whose peer failed or left: nothing more will come from them. */
  private readonly gone = new Set<LinkId>();
  private readonly handoverMs: number;
  private readonly maxHeld: number;
  private readonly stallMs: number;
  private readonly sourceIdleMs: number;
  private readonly maxSources: number;
  /** When some state may next have expired, ms (Infinity: none can). */
  private sweepAt: Millis = Infinity;

  constructor(
    private readonly ctx: ChannelContext,
    options: ForwardOptions = {},
  ) {
    this.handoverMs = options.handoverMs ?? 3000;
    this.maxHeld = options.maxHeld ?? 4096;
    this.stallMs = options.stallMs ?? 500;
    this.sourceIdleMs = options.sourceIdleMs ?? 60_000;
    this.maxSources = options.maxSources ?? 1024;
  }

  /** Sources tracked now (at most `maxSources`). */
  get trackedSources(): number {
    return this.sources.size;
  }

  /** Packets held back in handovers now, all sources together (at most `maxHeld` per source). */
  get heldPackets(): number {
    let n = 0;
    for (const st of this.sources.values()) n += st.handover?.held.length ?? 0;
    return n;
  }

  counters(): Readonly<Record<string, number>> {
    return { ...this.stats };
  }

  onData(from: LinkId, packet: DataPacket): void {
    const now = this.ctx.now();
    this.expireIdle(now);
    const source = packet.header.sourceScx;
    const known = this.sources.get(source);
    const upstream = this.ctx.upstream(source);
    const fromUpstream = (upstream !== undefined && from === upstream) || (from === LOCAL_LINK && source === this.ctx.self);
    const fromPrevious = known?.handover !== undefined && from === known.handover.previous;
    if (!fromUpstream && !fromPrevious) return this.ctx.drop('not-upstream');
    // Only now, for a packet from the source's (previous) upstream, may state be created.
    const st = known ?? this.admit(source);
    if (!st) return this.ctx.drop('overflow');
    st.lastPacketMs = now;
    if (fromPrevious && st.handover) st.handover.lastFromPreviousMs = now;
    if (st.lastSeq === undefined) return this.forward(from, st, packet);
    const d = seqDiff(packet.header.seq, st.lastSeq);
    if (d <= 0 && d > -RESTART_DISTANCE) {
      // The new upstream is on a longer path, behind the previous one: its stream, in order, now covers all that
      // follows, so the previous upstream can stop (else it would run on until the handover times out).
      if (fromUpstream && st.handover) this.endHandover(source, st);
      return this.ctx.drop('duplicate');
    }
    if (d === 1 || d >= RESTART_DISTANCE || d <= -RESTART_DISTANCE) {
      this.forward(from, st, packet);
      if (fromUpstream && st.handover) this.endHandover(source, st);
      return this.flushHeld(st);
    }
    // Ahead of the sequence: hold it if the previous upstream may still fill the gap, else it is plain loss.
    if (fromUpstream && st.handover) {
      if (st.handover.held.length >= this.maxHeld) {
        this.endHandover(source, st);
        return this.forward(from, st, packet);
      }
      insertBySeq(st.handover.held, packet);
      return this.rearm();
    }
    this.forward(from, st, packet);
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    // An untracked source has forwarded nothing here (or nothing for `sourceIdleMs`): no handover to make.
    const st = this.sources.get(source);
    if (!st) return;
    const h = st.handover;
    if (h) {
      // Back to the upstream that was still delivering: no handover left.
      if (upstream === h.previous) st.handover = undefined;
      // A second switch before the first finished: keep the one still delivering, release the one in between.
      else if (previous !== undefined && previous !== h.previous) this.ctx.sendControl(previous, encodeRelease(source));
      return this.rearm();
    }
    if (previous === undefined || previous === upstream || st.lastSeq === undefined || this.gone.has(previous)) return;
    st.handover = { previous, untilMs: this.ctx.now() + this.handoverMs, held: [], lastFromPreviousMs: this.ctx.now() };
    this.rearm();
  }

  onDownstreamChange(source: string, downstream: readonly LinkId[]): void {
    // An untracked source takes its downstream links from the tree when its first packet comes.
    const st = this.sources.get(source);
    if (!st) return;
    const now = this.ctx.now();
    for (const link of st.downstream) if (!downstream.includes(link)) st.lingering.set(link, now + this.handoverMs);
    for (const link of downstream) st.lingering.delete(link);
    st.downstream = downstream;
    this.rearm();
  }

  onLinkUp(link: LinkId): void {
    this.gone.delete(link);
  }

  onLinkDown(link: LinkId, reason: NeighbourDownReason): void {
    // A planned change (an optimised-away edge) keeps its data connection: only a dead peer ends its roles.
    if (reason !== 'failed' && reason !== 'left') return;
    this.gone.add(link);
    for (const [source, st] of this.sources) {
      st.lingering.delete(link);
      if (st.handover?.previous === link) this.endHandover(source, st, false);
    }
  }

  onControl(from: LinkId, data: Uint8Array): void {
    this.expireIdle(this.ctx.now());
    const release = decodeRelease(data);
    if (!release.ok) return this.ctx.drop('malformed');
    this.sources.get(release.value)?.lingering.delete(from);
  }

  handleTimeout(now: Millis): void {
    for (const [source, st] of this.sources) {
      for (const [link, until] of st.lingering) if (until <= now) st.lingering.delete(link);
      if (st.handover && handoverDeadline(st.handover, this.stallMs) <= now) this.handoverDue(source, st);
      // No longer kept by a handover or lingering link: due at its own time, not BUSY_RECHECK_MS later.
      if (idle(st)) this.sweepAt = Math.min(this.sweepAt, st.lastPacketMs + this.sourceIdleMs);
    }
    this.expireIdle(now);
    this.rearm();
  }

  /** Forgets the states idle for `sourceIdleMs` (and no handover or lingering link) once one may be due. */
  private expireIdle(now: Millis): void {
    if (now < this.sweepAt) return;
    let next = Infinity;
    for (const [source, st] of this.sources) {
      const at = st.lastPacketMs + this.sourceIdleMs;
      if (at > now) next = Math.min(next, at);
      else if (!idle(st)) next = Math.min(next, now + BUSY_RECHECK_MS);
      else {
        this.sources.delete(source);
        this.stats.sourcesExpired++;
      }
    }
    this.sweepAt = next;
  }

  /** A new state for `source`, whose packet passed the upstream check; undefined (counted) when `maxSources` are tracked. */
  private admit(source: string): SourceState | undefined {
    if (this.sources.size >= this.maxSources) {
      this.stats.sourcesRefused++;
      return undefined;
    }
    const now = this.ctx.now();
    const st = newSourceState(now);
    st.downstream = this.ctx.downstream(source);
    this.sources.set(source, st);
    this.sweepAt = Math.min(this.sweepAt, now + this.sourceIdleMs);
    return st;
  }

  /** Sends the packet to local clients and every downstream (and lingering) link but the one it came from. */
  private forward(from: LinkId, st: SourceState, packet: DataPacket): void {
    st.lastSeq = packet.header.seq;
    this.ctx.deliver(packet);
    for (const link of st.downstream) if (link !== from) this.ctx.send(link, packet);
    for (const link of st.lingering.keys()) if (link !== from) this.ctx.send(link, packet);
  }

  /** Ends a handover: the previous upstream is told to stop (unless it is gone), held packets go out in order. */
  /**
   * A handover's time is up. If the new upstream sent nothing in all of it while the previous one still delivered, the
   * new one is silent (its data connection never opened: a gray failure no watchdog sees). It is reported, and the
   * previous upstream is not released, so that the route can go back to it while it still sends.
   */
  private handoverDue(source: string, st: SourceState): void {
    const h = st.handover as Handover;
    const upstream = this.ctx.upstream(source);
    const silent = h.held.length === 0 && h.lastFromPreviousMs > h.untilMs - this.handoverMs && upstream !== undefined && upstream !== h.previous;
    this.endHandover(source, st, !silent);
    if (!silent) return;
    this.stats.upstreamsSilent++;
    this.ctx.upstreamSilent(upstream);
  }

  private endHandover(source: string, st: SourceState, release = true): void {
    const h = st.handover;
    if (!h) return;
    st.handover = undefined;
    if (release) this.ctx.sendControl(h.previous, encodeRelease(source));
    const upstream = this.ctx.upstream(source) ?? LOCAL_LINK;
    for (const p of h.held) {
      if (st.lastSeq === undefined || seqDiff(p.header.seq, st.lastSeq) > 0) this.forward(upstream, st, p);
      else this.ctx.drop('duplicate');
    }
    this.rearm();
  }

  /** Forwards held packets that have become next in sequence. */
  private flushHeld(st: SourceState): void {
    const held = st.handover?.held;
    if (!held) return;
    while (held.length > 0 && st.lastSeq !== undefined) {
      const d = seqDiff((held[0] as DataPacket).header.seq, st.lastSeq);
      if (d > 1) return;
      const p = held.shift() as DataPacket;
      if (d === 1) this.forward(this.ctx.upstream(p.header.sourceScx) ?? LOCAL_LINK, st, p);
      else this.ctx.drop('duplicate');
    }
  }

  private rearm(): void {
    let next: number | undefined;
    for (const st of this.sources.values()) {
      for (const until of st.lingering.values()) if (next === undefined || until < next) next = until;
      const h = st.handover;
      if (h && (next === undefined || handoverDeadline(h, this.stallMs) < next)) next = handoverDeadline(h, this.stallMs);
    }
    this.ctx.wakeAt(next);
  }
}

/** Whether a state has no handover and no lingering link: it may expire. */
function idle(st: SourceState): boolean {
  return st.handover === undefined && st.lingering.size === 0;
}

/**
 * When a handover ends: at its time limit, or earlier once packets wait and the previous upstream has been silent
 * for `stallMs` (it lost them too: waiting longer cannot fill the gap).
 */
function handoverDeadline(h: Handover, stallMs: number): number {
  return h.held.length > 0 ? Math.min(h.untilMs, h.lastFromPreviousMs + stallMs) : h.untilMs;
}

/** Inserts a packet into a list kept in sequence order (duplicates ignored). */
function insertBySeq(list: DataPacket[], packet: DataPacket): void {
  let i = list.length;
  while (i > 0 && seqDiff((list[i - 1] as DataPacket).header.seq, packet.header.seq) > 0) i--;
  if (i > 0 && (list[i - 1] as DataPacket).header.seq === packet.header.seq) return;
  list.splice(i, 0, packet);
}

/** The `forward` module over TCP data connections (transport names `tcp` and `forward`). */
export const forwardTcp: ServiceModuleFactory = {
  names: ['tcp', 'forward'],
  dataTransport: 'tcp',
  description: 'best-effort forwarding down source-rooted trees, make-before-break, over TCP',
  create: (ctx) => new ForwardModule(ctx),
};

/** The `forward` module over UDP datagrams (transport name `udp`). */
export const forwardUdp: ServiceModuleFactory = {
  names: ['udp'],
  dataTransport: 'udp',
  description: 'best-effort forwarding down source-rooted trees, make-before-break, over UDP',
  create: (ctx) => new ForwardModule(ctx),
};
