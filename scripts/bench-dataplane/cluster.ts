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
import { BenchOverlay, modeName, sourceProof, type Security } from './security.ts';
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
  /** `on`: the SCX secure and the fakes members of its overlay (see security.ts); `off`: the SCX --insecure. */
  readonly security: Security;
}

/** Counters of the SCX under test (from its /metrics), summed over sessions. */
export interface ScxCounters {
  packetsIn: number;
  packetsOut: number;
  drops: Record<string, number>;
  udpSendErrors: number;
  malformed: number;
  /** UDP DATA datagrams the SCX did not send for want of a key, and dropped for a bad or missing tag (secure only). */
  udpUnkeyed: number;
  udpRefused: number;
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
    udpUnkeyed: b.udpUnkeyed - a.udpUnkeyed,
    udpRefused: b.udpRefused - a.udpRefused,
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
    readonly security: Security,
    private readonly unregister: () => void,
    private readonly trust: BenchOverlay | undefined,
  ) {}

  /** Starts the daemon, the fakes, and waits until every fake's edge is up in every session. */
  static async start(o: ClusterOptions): Promise<Cluster> {
    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    let adminPort = await freePort();
    while (adminPort === port) adminPort = await freePort();
    const admin = `127.0.0.1:${adminPort}`;
    const names = Array.from({ length: o.sessions }, (_, i) => `scast://bench/${o.label}-${i + 1}`);
    const trust = o.security === 'on' ? BenchOverlay.create() : undefined;
    const config: ScxConfig = {
      listen,
      admin,
      seed: o.seed,
      logLevel: 'warn',
      gossamer: BENCH_GOSSAMER,
      sessions: names.map((n) => ({ announcement: announcement(n, o.transport, listen) })),
      trust: trust ? { stateDir: trust.stateDir } : { insecure: true },
    };
    progress(`starting ${modeName(o.security)} SCX ${listen} with ${o.sessions} ${o.transport.toUpperCase()} session(s)`);
    let scx: ScxProcess;
    try {
      scx = await startScx(config);
    } catch (err) {
      trust?.remove();
      throw err;
    }
    const fakes: FakePeer[] = [];
    const unregister = onCleanup(() => {
      for (const f of fakes) f.close();
    });
    try {
      const member = trust && ((id: string) => trust.member(id));
      fakes.push(await FakePeer.create('U', listen, member));
      for (let i = 1; i <= 4; i++) fakes.push(await FakePeer.create(`D${i}`, listen, member));
      const [up, ...downs] = fakes as [FakePeer, ...FakePeer[]];
      for (const f of fakes) await f.connectControl();
      const ids = names.map((n) => sessionId(n));
      for (const id of ids) {
        // A secure SCX takes an advert only with its source's proof, copied along the path.
        const proof = up.member && sourceProof(up.member, id);
        up.join(id, [{ source: up.address, costMs: 0, path: [up.address], ...(proof && { proof }) }]);
        for (const d of downs) d.join(id, [{ source: up.address, costMs: 0.1, path: [d.address, listen, up.address], ...(proof && { proof }) }]);
      }
      await waitFor(() => fakes.every((f) => f.edgesUp() === o.sessions), 20_000, `mesh edges of ${fakes.length} fakes in ${o.sessions} session(s)`);
      return new Cluster(scx, config, up, downs, ids, o.security, unregister, trust);
    } catch (err) {
      for (const f of fakes) f.close();
      unregister();
      const tail = scx.stderrTail();
      await scx.stop();
      trust?.remove();
      if (tail && err instanceof Error) err.message += `\n--- SCX stderr ---\n${tail}`;
      throw err;
    }
  }

  /** The state folder of the overlay the secure SCX and its fakes are members of; undefined when insecure. */
  get trustStateDir(): string | undefined {
    return this.trust?.stateDir;
  }

  /** The daemon's own counters, summed over its sessions, from its /metrics. */
  async counters(): Promise<ScxCounters> {
    const res = await fetch(`http://${this.config.admin}/metrics`, { signal: AbortSignal.timeout(5000) });
    const c: ScxCounters = { packetsIn: 0, packetsOut: 0, drops: {}, udpSendErrors: 0, malformed: 0, udpUnkeyed: 0, udpRefused: 0 };
    for (const line of (await res.text()).split('\n')) {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) continue;
      const value = Number(m[3]);
      if (m[1] === 'scattercast_channel_packets_in_total') c.packetsIn += value;
      else if (m[1] === 'scattercast_channel_packets_out_total') c.packetsOut += value;
      else if (m[1] === 'scattercast_udp_send_errors_total') c.udpSendErrors += value;
      else if (m[1] === 'scattercast_malformed_total') c.malformed += value;
      else if (m[1] === 'scattercast_udp_data_unauthenticated_total') {
        if (m[2]?.includes('unkeyed_send')) c.udpUnkeyed += value;
        else c.udpRefused += value;
      }
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
    this.trust?.remove();
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
