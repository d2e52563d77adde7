/**
 * One SCX daemon with N sessions, and the same five fakes joined to each: the upstream U (a source: it
 * advertises a zero-length route to itself) and four downstreams D1..D4 (each advertises its route to U through
 * the SCX, so the SCX's downstream set for U is the four of them).
 */

import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { sessionId } from '../../src/session/name.ts';
import { FakePeer } from './fake-peer.ts';
import { onCleanup } from './procs.ts';
import { startScx, type ScxConfig, type ScxProcess } from './scx.ts';
import { progress, waitFor } from './util.ts';

/** The protocol overrides of the SCX under test: room for every fake as an inbound neighbour (k2 > k1). */
export const BENCH_GOSSAMER = { k1: 8, k2: 16 } as const;

/** Options of a cluster. */
export interface ClusterOptions {
  /** Names the sessions: scast://bench/<label>-<i>. */
  readonly label: string;
  readonly sessions: number;
  readonly transport: 'tcp' | 'udp';
  readonly seed: number;
}

/** Counters of the SCX under test (from its /metrics), summed over sessions. */
export interface ScxCounters {
  packetsIn: number;
  packetsOut: number;
  drops: Record<string, number>;
  udpSendErrors: number;
  malformed: number;
}

/** The difference of two counter readings. */
export function counterDelta(a: ScxCounters, b: ScxCounters): ScxCounters {
  const drops: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a.drops), ...Object.keys(b.drops)])) drops[k] = (b.drops[k] ?? 0) - (a.drops[k] ?? 0);
  return {
    packetsIn: b.packetsIn - a.packetsIn,
    packetsOut: b.packetsOut - a.packetsOut,
    drops,
    udpSendErrors: b.udpSendErrors - a.udpSendErrors,
    malformed: b.malformed - a.malformed,
  };
}

/** The data channel every session uses. */
export const CHANNEL = 1;

export class Cluster {
  private constructor(
    readonly scx: ScxProcess,
    readonly config: ScxConfig,
    readonly upstream: FakePeer,
    readonly downstreams: readonly FakePeer[],
    readonly sessionIds: readonly Buffer[],
    private readonly unregister: () => void,
  ) {}

  /** Starts the daemon, the fakes, and waits until every fake's edge is up in every session. */
  static async start(o: ClusterOptions): Promise<Cluster> {
    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    let adminPort = await freePort();
    while (adminPort === port) adminPort = await freePort();
    const admin = `127.0.0.1:${adminPort}`;
    const names = Array.from({ length: o.sessions }, (_, i) => `scast://bench/${o.label}-${i + 1}`);
    const config: ScxConfig = {
      listen,
      admin,
      seed: o.seed,
      logLevel: 'warn',
      gossamer: BENCH_GOSSAMER,
      sessions: names.map((n) => ({ announcement: announcement(n, o.transport, listen) })),
    };
    progress(`starting SCX ${listen} with ${o.sessions} ${o.transport.toUpperCase()} session(s)`);
    const scx = await startScx(config);
    const fakes: FakePeer[] = [];
    const unregister = onCleanup(() => {
      for (const f of fakes) f.close();
    });
    try {
      fakes.push(await FakePeer.create('U', listen));
      for (let i = 1; i <= 4; i++) fakes.push(await FakePeer.create(`D${i}`, listen));
      const [up, ...downs] = fakes as [FakePeer, ...FakePeer[]];
      for (const f of fakes) await f.connectControl();
      const ids = names.map((n) => sessionId(n));
      for (const id of ids) {
        up.join(id, [{ source: up.address, costMs: 0, path: [up.address] }]);
        for (const d of downs) d.join(id, [{ source: up.address, costMs: 0.1, path: [d.address, listen, up.address] }]);
      }
      await waitFor(() => fakes.every((f) => f.edgesUp() === o.sessions), 20_000, `mesh edges of ${fakes.length} fakes in ${o.sessions} session(s)`);
      return new Cluster(scx, config, up, downs, ids, unregister);
    } catch (err) {
      for (const f of fakes) f.close();
      unregister();
      const tail = scx.stderrTail();
      await scx.stop();
      if (tail && err instanceof Error) err.message += `\n--- SCX stderr ---\n${tail}`;
      throw err;
    }
  }

  /** The daemon's own counters, summed over its sessions, from its /metrics. */
  async counters(): Promise<ScxCounters> {
    const res = await fetch(`http://${this.config.admin}/metrics`, { signal: AbortSignal.timeout(5000) });
    const c: ScxCounters = { packetsIn: 0, packetsOut: 0, drops: {}, udpSendErrors: 0, malformed: 0 };
    for (const line of (await res.text()).split('\n')) {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) continue;
      const value = Number(m[3]);
      if (m[1] === 'scattercast_channel_packets_in_total') c.packetsIn += value;
      else if (m[1] === 'scattercast_channel_packets_out_total') c.packetsOut += value;
      else if (m[1] === 'scattercast_udp_send_errors_total') c.udpSendErrors += value;
      else if (m[1] === 'scattercast_malformed_total') c.malformed += value;
      else if (m[1] === 'scattercast_channel_drops_total') {
        const reason = /reason="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? '?';
        c.drops[reason] = (c.drops[reason] ?? 0) + value;
      }
    }
    return c;
  }

  /** Closes the fakes and stops the daemon. */
  async stop(): Promise<void> {
    this.upstream.close();
    for (const d of this.downstreams) d.close();
    this.unregister();
    await this.scx.stop();
  }
}

/** The announcement XML of one session with one channel, rendezvous at the SCX itself. */
export function announcement(name: string, transport: 'tcp' | 'udp', rendezvous: string): string {
  return (
    `<SCATTERCAST name="${name}"><CHANNEL id="${CHANNEL}"><TRANSPORT unicast="${transport}"/></CHANNEL>` +
    `<RENDEZVOUS>${rendezvous}</RENDEZVOUS></SCATTERCAST>`
  );
}

/** A loopback port free for both TCP and UDP right now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    try {
      udp.close();
    } catch {
      // never bound
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (ok) return port;
  }
  throw new Error('no loopback port free for both TCP and UDP');
}
