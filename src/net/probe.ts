/**
 * The network probe module (paper 4.3): UDP ping/echo with time-stamped packets, periodic measurements of the
 * peers the node's SCXs want to know, and a soft-state cache of round-trip times shared by every session on
 * the node. An entry no session has wanted for `idleAfterMs` stops being measured and is forgotten. A ping to a
 * peer that never echoed spends the node's budget of contacts to unproven addresses (dial-budget.ts), so gossip
 * or a `/v1/probe` naming thousands of invented peers makes it send a few pings a second, not thousands; an echo
 * carrying the random nonce of our last ping to that peer proves it.
 */

import { randomInt } from 'node:crypto';
import type { DialBudget } from './dial-budget.ts';
import type { Guard } from './guard.ts';
import { UdpType, type UdpEndpoint } from './udp-endpoint.ts';

/** Options of the probe module. */
export interface ProbeOptions {
  /** Time between measurements of one peer, ms (default 2000). */
  readonly intervalMs?: number;
  /** A peer nobody asked about for this long is dropped from the cache, ms (default 60000). */
  readonly idleAfterMs?: number;
  /** Weight of a new sample in the smoothed RTT, 0..1 (default 0.25). */
  readonly gain?: number;
}

/** Most peers in a probe cache (as many as one session's gossamer.maxMembers by default); a peer wanted past it is not measured (counted). */
export const MAX_PROBE_PEERS = 16384;

/** One peer's cache entry. */
export interface RttEntry {
  /** Smoothed round-trip time, ms; undefined until the first echo. */
  rttMs: number | undefined;
  /** Last sample, ms. */
  lastMs: number | undefined;
  /** When the last echo came, ms (monotonic). */
  measuredAt: number | undefined;
  /** When a session last asked for this peer, ms. */
  wantedAt: number;
  /** Pings sent and echoes received. */
  sent: number;
  received: number;
  /** Nonce of the last ping sent; only an echo carrying it is a sample. */
  nonce: number | undefined;
}

/**
 * The soft-state RTT cache behind a probe module: a peer is in it while some session wants it, and forgotten
 * once nobody has for `idleAfterMs`.
 */
export class RttCache {
  readonly entries = new Map<string, RttEntry>();
  /** Peers wanted while the cache held MAX_PROBE_PEERS: not measured. */
  refused = 0;

  constructor(
    /** Told a known RTT again each time a session wants the peer. */
    private readonly onRtt: (peer: string, rttMs: number) => void,
    /** Whether some session on the node still knows `peer`. */
    private readonly isWanted: (peer: string) => boolean,
    private readonly idleAfterMs: number,
  ) {}

  /** A session wants `peer` now; true if it is new to the cache (measure it soon); false, and counted, if the cache is full. */
  want(peer: string, now: number): boolean {
    const e = this.entries.get(peer);
    if (e) {
      e.wantedAt = now;
      if (e.rttMs !== undefined) this.onRtt(peer, e.rttMs);
      return false;
    }
    if (this.entries.size >= MAX_PROBE_PEERS) {
      this.refused++;
      return false;
    }
    this.entries.set(peer, { rttMs: undefined, lastMs: undefined, measuredAt: undefined, wantedAt: now, sent: 0, received: 0, nonce: undefined });
    return true;
  }

  /** Keeps the peers still wanted and forgets the idle ones; returns the peers kept. */
  sweep(now: number): string[] {
    const kept: string[] = [];
    for (const [peer, e] of this.entries) {
      if (this.isWanted(peer)) e.wantedAt = now;
      if (now - e.wantedAt > this.idleAfterMs) this.entries.delete(peer);
      else kept.push(peer);
    }
    return kept;
  }
}

/** What a node asks of its probe module, its own or one shared by its cluster. */
export interface ProbeModule {
  /** RTT entries of the peers measured for this node. */
  readonly cache: ReadonlyMap<string, RttEntry>;
  /** Peers wanted while the cache was full: never measured. */
  readonly peersRefused: number;
  /** A session wants `peer`'s RTT. */
  want(peer: string): void;
  /** A PING or ECHO arrived on the node's UDP socket. */
  onProbe(from: string, type: number, nonce: number, sentMs: number): void;
  start(): void;
  stop(): void;
}

/** Measures round-trip times to peers for every session of a node. */
export class Probe implements ProbeModule {
  private readonly rtts: RttCache;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly gain: number;

  constructor(
    private readonly udp: UdpEndpoint,
    /** Called with each new smoothed RTT. */
    private readonly onRtt: (peer: string, rttMs: number) => void,
    /** Whether some session on the node still knows `peer` (it keeps being measured while so). */
    isWanted: (peer: string) => boolean,
    /** Runs the measurement timer: an exception in a round is counted, never uncaught. */
    private readonly guard: Guard,
    /** The node's contacts to unproven addresses: a ping to a peer that never echoed spends it, an echo proves the peer. */
    private readonly budget: DialBudget,
    options: ProbeOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 2000;
    this.rtts = new RttCache(onRtt, isWanted, options.idleAfterMs ?? 60_000);
    this.gain = options.gain ?? 0.25;
  }

  get cache(): ReadonlyMap<string, RttEntry> {
    return this.rtts.entries;
  }

  get peersRefused(): number {
    return this.rtts.refused;
  }

  /** Starts the periodic measurements. */
  start(): void {
    this.timer = setInterval(this.guard.wrap('probe round', () => this.round()), this.intervalMs);
    this.timer.unref();
  }

  /** A session wants `peer`'s RTT: measured now if unknown, and kept measured while wanted. */
  want(peer: string): void {
    if (this.rtts.want(peer, performance.now())) this.ping(peer);
  }

  /** A PING or ECHO arrived. */
  onProbe(from: string, type: number, nonce: number, sentMs: number): void {
    if (type === UdpType.PING) return this.udp.sendProbe(from, UdpType.ECHO, nonce, sentMs);
    const e = this.rtts.entries.get(from);
    if (!e || nonce !== e.nonce) return;
    this.budget.prove(from);
    const now = performance.now();
    const sample = now - sentMs;
    if (!(sample >= 0 && sample < 60_000)) return;
    e.received++;
    e.lastMs = sample;
    e.measuredAt = now;
    e.rttMs = e.rttMs === undefined ? sample : e.rttMs + this.gain * (sample - e.rttMs);
    this.onRtt(from, e.rttMs);
  }

  /** Stops measuring. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private round(): void {
    for (const peer of this.rtts.sweep(performance.now())) this.ping(peer);
  }

  /** Pings `peer` if it is proven or the budget allows (a refusal is counted there). */
  private ping(peer: string): void {
    const e = this.rtts.entries.get(peer);
    if (!e || !this.budget.allow(peer)) return;
    e.sent++;
    e.nonce = randomInt(2 ** 32);
    this.udp.sendProbe(peer, UdpType.PING, e.nonce, performance.now());
  }
}
