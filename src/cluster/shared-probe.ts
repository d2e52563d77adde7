/**
 * The cluster's shared network probe module (paper 4.3: one probe module per cluster). The cluster's prober node
 * measures; every other node asks it, once per interval, for the RTTs of the peers its sessions want, through
 * the prober's admin server (`POST /v1/probe`, with the cluster token). Nodes of a cluster sit on one LAN, so the
 * prober's RTT to a peer stands for theirs, and a peer is pinged once per cluster rather than once per node.
 */

import { UdpType, type UdpEndpoint } from '../net/udp-endpoint.ts';
import type { Guard } from '../net/guard.ts';
import { RttCache, type ProbeModule, type RttEntry } from '../net/probe.ts';
import type { Logger } from '../daemon/log.ts';
import type { AdminClient } from '../net/admin-client.ts';

/** Options of a node's side of the shared probe. */
export interface SharedProbeOptions {
  /** The prober node's admin address (host:port). */
  readonly prober: string;
  /** Calls the prober's admin server (cluster token, HTTPS under the cluster's CA). */
  readonly client: AdminClient;
  /** Time between asks, ms (default 2000). */
  readonly intervalMs?: number;
  /** A peer no session wanted for this long is forgotten, ms (default 60000). */
  readonly idleAfterMs?: number;
}

/** Time one ask may take, ms. */
const ASK_TIMEOUT_MS = 1500;
/** A newly wanted peer is asked about after this short batching delay, ms. */
const FIRST_ASK_DELAY_MS = 20;
/** Most peers in one ask (the prober refuses more). */
export const SHARED_PROBE_MAX_PEERS = 4096;

/** A node's probe module that asks the cluster's prober instead of measuring. */
export class SharedProbe implements ProbeModule {
  private readonly rtts: RttCache;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly udp: UdpEndpoint,
    private readonly onRtt: (peer: string, rttMs: number) => void,
    isWanted: (peer: string) => boolean,
    private readonly o: SharedProbeOptions,
    private readonly log: Logger,
    /** Runs the asks: an exception or rejection in one is counted, never uncaught. */
    private readonly guard: Guard,
  ) {
    this.rtts = new RttCache(onRtt, isWanted, o.idleAfterMs ?? 60_000);
  }

  get cache(): ReadonlyMap<string, RttEntry> {
    return this.rtts.entries;
  }

  get peersRefused(): number {
    return this.rtts.refused;
  }

  start(): void {
    this.timer = setInterval(() => this.guard.spawn('shared probe ask', () => this.ask()), this.o.intervalMs ?? 2000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
  }

  want(peer: string): void {
    if (!this.rtts.want(peer, performance.now())) return;
    this.soon ??= setTimeout(() => {
      this.soon = undefined;
      this.guard.spawn('shared probe ask', () => this.ask());
    }, FIRST_ASK_DELAY_MS);
  }

  /** Others still measure this node: echo their pings. */
  onProbe(from: string, type: number, nonce: number, sentMs: number): void {
    if (type === UdpType.PING) this.udp.sendProbe(from, UdpType.ECHO, nonce, sentMs);
  }

  private async ask(): Promise<void> {
    const peers = this.rtts.sweep(performance.now()).slice(0, SHARED_PROBE_MAX_PEERS);
    if (peers.length === 0) return;
    let rtts: Record<string, number | null>;
    try {
      const res = await this.o.client.post(this.o.prober, '/v1/probe', { peers }, ASK_TIMEOUT_MS);
      rtts = (res.body as { rttMs: Record<string, number | null> }).rttMs;
      if (typeof rtts !== 'object' || rtts === null) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      if (!this.failing) this.log('warn', 'the cluster prober does not answer; link costs keep their last values', { prober: this.o.prober, error: (err as Error).message });
      this.failing = true;
      return;
    }
    if (this.failing) this.log('info', 'the cluster prober answers again', { prober: this.o.prober });
    this.failing = false;
    for (const peer of peers) {
      const e = this.rtts.entries.get(peer);
      const rtt = rtts[peer];
      if (!e) continue;
      e.sent++;
      if (typeof rtt !== 'number' || !(rtt >= 0)) continue;
      e.received++;
      e.lastMs = rtt;
      e.rttMs = rtt;
      e.measuredAt = performance.now();
      this.onRtt(peer, rtt);
    }
  }
}
