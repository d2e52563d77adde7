/**
 * The link emulator's core (sans-IO): places peers at a distance when the kernel cannot (no `netem`). Everything a
 * node receives from an emulated peer waits out that link's serialisation at `rateKbps` (one queue per peer
 * shared by all its connections and datagrams), then its one-way `delayMs` ± `jitterMs`; datagrams are also lost
 * with probability `loss`. A stream's (TCP connection's) messages keep their order: one is never released before
 * an earlier one of the same stream. Datagrams may overtake each other. Lost: datagrams only (dropping bytes of a
 * reliable stream would corrupt it). The bytes a link holds are bounded by `maxQueueBytes`: a datagram past it is
 * dropped (`queue-full`), a stream past it is told to stop reading (the driver pauses its socket: TCP backpressure).
 *
 * A peer's profile is its rule: the one naming its `host:port`, else its host, else `default`; a peer no rule
 * names is not emulated. Counters are per rule, so /metrics labels stay as few as the config's rules. The caller
 * gives the time (ms, monotonic) and reports each release back (`released`); the PRNG is seeded.
 */

import { Random } from '../core/random.ts';
import { parseNodeAddress } from '../net/address.ts';

/** One emulated link's parameters. */
export interface LinkProfile {
  /** One-way delay added to what arrives, ms. */
  readonly delayMs: number;
  /** Each message's delay is `delayMs` plus a uniform draw in [-jitterMs, +jitterMs] (never below 0), ms. */
  readonly jitterMs: number;
  /** Probability that a datagram is lost, 0..1 (streams lose nothing). */
  readonly loss: number;
  /** The link's rate, kbit/s; 0: no limit. */
  readonly rateKbps: number;
}

/** A rule: the peers it names (`host:port`, a host, or `default`) and their link. */
export interface EmulatedRule {
  readonly peer: string;
  readonly link: LinkProfile;
}

/** What the emulator does, and to whom. */
export interface EmulatorConfig {
  /** Seed of the jitter and loss draws. */
  readonly seed: number;
  /** Rules by peer (`host:port` or host), each at most once. */
  readonly peers: readonly EmulatedRule[];
  /** The profile of peers no rule names (default: they are not emulated). */
  readonly default?: LinkProfile;
  /** Bytes one link may hold (queued and in flight), bytes. */
  readonly maxQueueBytes: number;
}

/** Why the emulator dropped a datagram: its loss draw, its link's bound, or too many links with bytes held. */
export type EmulatedDrop = 'loss' | 'queue-full' | 'overflow';

/** Counters of one rule. */
export interface RuleCounters {
  /** Messages (stream reads or datagrams) delayed. */
  delayed: number;
  /** Bytes delayed. */
  bytes: number;
  /** Datagrams dropped, by why. */
  readonly drops: Record<EmulatedDrop, number>;
  /** Times a stream was told to stop reading: its link held `maxQueueBytes`. */
  backpressure: number;
}

/** A stream's order: no message of it is released before `last`, ms. */
export interface StreamOrder {
  last: number;
}

/** One peer's link state. */
interface Link {
  readonly rule: EmulatedRule;
  readonly counters: RuleCounters;
  /** When the link's serialiser is free again, ms. */
  busyUntil: number;
  /** Bytes admitted and not yet released. */
  held: number;
}

/** Links kept at most; idle ones (nothing held) are forgotten past it, and datagrams of new peers dropped if none is. */
export const MAX_EMULATED_LINKS = 4096;

/** How far below `maxQueueBytes` a link must drain before its stopped streams read again, bytes. */
export const RESUME_GAP_BYTES = 64 * 1024;

/** The rule name of peers no rule names (in logs and metric labels). */
export const DEFAULT_RULE = 'default';

/** Per-peer delay, jitter, loss and rate of what this node receives. */
export class LinkEmulator {
  private readonly random: Random;
  private readonly rules = new Map<string, EmulatedRule>();
  private readonly fallback: EmulatedRule | undefined;
  private readonly links = new Map<string, Link>();
  /** Peers no rule names, remembered so that each is looked up once (bounded like the links). */
  private readonly plain = new Set<string>();
  /** Counters by rule name (`host:port`, host or `default`). */
  readonly counters = new Map<string, RuleCounters>();

  constructor(readonly config: EmulatorConfig) {
    this.random = new Random(config.seed);
    for (const r of config.peers) this.rules.set(r.peer, r);
    this.fallback = config.default && { peer: DEFAULT_RULE, link: config.default };
    for (const r of this.allRules()) this.counters.set(r.peer, { delayed: 0, bytes: 0, drops: { loss: 0, 'queue-full': 0, overflow: 0 }, backpressure: 0 });
  }

  /** Every rule, `default` last if there is one. */
  allRules(): EmulatedRule[] {
    return [...this.rules.values(), ...(this.fallback ? [this.fallback] : [])];
  }

  /** Whether what arrives from `peer` is emulated. */
  emulates(peer: string): boolean {
    return this.link(peer, true) !== undefined;
  }

  /**
   * A datagram of `bytes` from `peer` arrived at `now`: when to hand it on (ms), or why it is dropped (counted);
   * undefined if `peer` is not emulated (hand it on at once).
   */
  datagram(peer: string, bytes: number, now: number): number | EmulatedDrop | undefined {
    const l = this.link(peer, false);
    if (l === null) return this.drop(this.ruleOf(peer), 'overflow');
    if (!l) return undefined;
    if (l.held + bytes > this.config.maxQueueBytes) return this.drop(l.rule, 'queue-full');
    if (l.rule.link.loss > 0 && this.random.next() < l.rule.link.loss) return this.drop(l.rule, 'loss');
    return this.admit(l, bytes, now);
  }

  /**
   * A stream's read of `bytes` from `peer` arrived at `now`: when to hand it on (ms, never before the stream's
   * previous read), and whether the stream should stop reading until its link drains (`full`); undefined if
   * `peer` is not emulated.
   */
  stream(peer: string, bytes: number, now: number, order: StreamOrder): { at: number; full: boolean } | undefined {
    const l = this.link(peer, true);
    if (!l) return undefined;
    const at = Math.max(this.admit(l, bytes, now), order.last);
    order.last = at;
    const full = l.held > this.config.maxQueueBytes;
    if (full) l.counters.backpressure++;
    return { at, full };
  }

  /** Bytes `peer`'s link holds now (0 if it is not emulated). */
  held(peer: string): number {
    return this.links.get(peer)?.held ?? 0;
  }

  /**
   * Whether `peer`'s link holds little enough that a stream told to stop may read again: RESUME_GAP_BYTES below the
   * bound, so that a stream pauses briefly and often, as a full TCP window does, not for seconds (which a data link's
   * silence watchdog would take for a dead link).
   */
  drained(peer: string): boolean {
    return this.held(peer) <= this.config.maxQueueBytes - RESUME_GAP_BYTES;
  }

  /** A message of `bytes` from `peer` was handed on (or thrown away undelivered): its link holds that much less. */
  released(peer: string, bytes: number): void {
    const l = this.links.get(peer);
    if (l) l.held = Math.max(0, l.held - bytes);
  }

  /** The rule that names `peer`, if any: its `host:port`, else its host, else `default`. */
  ruleOf(peer: string): EmulatedRule | undefined {
    const exact = this.rules.get(peer);
    if (exact) return exact;
    const host = parseNodeAddress(peer)?.host;
    return (host !== undefined ? this.rules.get(host) : undefined) ?? this.fallback;
  }

  /** Serialises `bytes` on the link and adds its delay: the release time, ms. */
  private admit(l: Link, bytes: number, now: number): number {
    const p = l.rule.link;
    let ready = now;
    if (p.rateKbps > 0) {
      l.busyUntil = Math.max(now, l.busyUntil) + (bytes * 8) / p.rateKbps;
      ready = l.busyUntil;
    }
    const jitter = p.jitterMs > 0 ? (2 * this.random.next() - 1) * p.jitterMs : 0;
    l.held += bytes;
    l.counters.delayed++;
    l.counters.bytes += bytes;
    return ready + Math.max(0, p.delayMs + jitter);
  }

  private drop(rule: EmulatedRule | undefined, why: EmulatedDrop): EmulatedDrop {
    const c = rule && this.counters.get(rule.peer);
    if (c) c.drops[why]++;
    return why;
  }

  /**
   * `peer`'s link, made on first use; undefined if no rule names it. Past MAX_EMULATED_LINKS the idle links are
   * forgotten; if none is idle, a datagram's peer gets null (drop it), a stream's a link anyway (streams are
   * bounded by the accept limits).
   */
  private link(peer: string, stream: boolean): Link | undefined | null {
    const known = this.links.get(peer);
    if (known) return known;
    if (this.plain.has(peer)) return undefined;
    const rule = this.ruleOf(peer);
    if (!rule) {
      if (this.plain.size >= MAX_EMULATED_LINKS) this.plain.clear();
      this.plain.add(peer);
      return undefined;
    }
    if (this.links.size >= MAX_EMULATED_LINKS) {
      for (const [p, l] of this.links) if (l.held === 0) this.links.delete(p);
      if (this.links.size >= MAX_EMULATED_LINKS && !stream) return null;
    }
    const l: Link = { rule, counters: this.counters.get(rule.peer) as RuleCounters, busyUntil: 0, held: 0 };
    this.links.set(peer, l);
    return l;
  }
}
