/**
 * `scattercast demo`: an embedded deployment on loopback. Several clusters, each of several nodes with a frontend
 * and a shared prober; one session whose rendezvous and test source sit in the first cluster; a client tuned in
 * through the last cluster's frontend; and a dashboard that sees all of it. Unless `distances` is off, every node's
 * link emulator places the clusters at wide-area distances from each other (see `clusterDelayMs`), so that the
 * probe modules measure them and Gossamer builds a tree that crosses each distance once, not a star.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tuneIn, type TunedIn } from '../client/tune-in.ts';
import { nodeConfig } from '../daemon/node-config.ts';
import { nodeState } from '../daemon/node-state.ts';
import { runNode, type RunningNode } from '../daemon/run-node.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { ClusterView, DashboardSnapshot } from '../dashboard/snapshot.ts';
import { formatAddress, type Address } from '../net/address.ts';
import { freePort } from '../net/free-port.ts';
import { createHttpServer } from '../net/http-server.ts';
import { ReceiverStats } from './receiver-stats.ts';

/** Options of the demo. */
export interface DemoOptions {
  /** Number of clusters (1..8). */
  readonly clusters: number;
  /** Nodes per cluster (1..8). */
  readonly nodesPerCluster: number;
  /** Test source rate, packets per second. */
  readonly rate: number;
  /** Test source payload, bytes per packet. */
  readonly payloadBytes: number;
  /** Where the dashboard listens; port 0 picks a free one. */
  readonly dashboard: Address;
  /** If the dashboard's port is taken, take any free one instead of failing (the URL is printed either way). */
  readonly dashboardFallback: boolean;
  /** Seed of every random choice the nodes make. */
  readonly seed: number;
  /** Log level of the nodes (their JSON-lines logs go to stderr). */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Place the clusters at wide-area distances with the link emulator (false: every link is bare loopback). */
  readonly distances: boolean;
}

export const DEMO_DEFAULTS: DemoOptions = {
  clusters: 3,
  nodesPerCluster: 3,
  rate: 50,
  payloadBytes: 400,
  dashboard: { host: '127.0.0.1', port: 7070 },
  dashboardFallback: true,
  seed: 1,
  logLevel: 'error',
  distances: true,
};

/** One-way delays between the first three clusters, ms: round trips of 20 (west-central), 60 (central-east) and 120 ms (west-east). */
const CLUSTER_DELAYS_MS = [
  [0, 10, 60],
  [10, 0, 30],
  [60, 30, 0],
];
/** One-way delay between two nodes of one cluster (a LAN), ms. */
const WITHIN_CLUSTER_DELAY_MS = 0.5;

/** The demo's emulated one-way delay between clusters `a` and `b` (indices), ms; past the third cluster, 25 + 10 ms per index apart. */
export function clusterDelayMs(a: number, b: number): number {
  if (a === b) return WITHIN_CLUSTER_DELAY_MS;
  return CLUSTER_DELAYS_MS[a]?.[b] ?? 25 + 10 * Math.abs(a - b);
}

/** A node's `emulate` config section: every other node of the plan at its cluster's distance, jitter a tenth of the delay. */
export function emulateSection(plan: ReadonlyArray<{ nodes: ReadonlyArray<{ scx: string }> }>, here: number, self: string): { peers: Array<{ peer: string; delayMs: number; jitterMs: number }> } {
  const peers = plan.flatMap((c, i) =>
    c.nodes.filter((n) => n.scx !== self).map((n) => {
      const delayMs = clusterDelayMs(here, i);
      return { peer: n.scx, delayMs, jitterMs: delayMs / 10 };
    }),
  );
  return { peers };
}

export const CLUSTER_NAMES = ['west', 'central', 'east', 'north', 'south', 'pacific', 'atlantic', 'arctic'];
export const DEMO_SESSION = 'scast://demo.scattercast/radio';
const CHANNEL = 1;

/** A cluster the demo started. */
export interface DemoCluster {
  readonly name: string;
  /** The frontend's address (host:port). */
  readonly frontend: string;
  readonly nodes: ReadonlyArray<{ readonly scx: string; readonly admin: string; readonly running: RunningNode }>;
}

/** A running demo. */
export interface Demo {
  readonly clusters: readonly DemoCluster[];
  readonly session: string;
  /** The SCX the test source sends from. */
  readonly source: string;
  readonly client: TunedIn;
  readonly receiver: ReceiverStats;
  readonly dashboardUrl: string;
  snapshot(): DashboardSnapshot;
  /** SCXs that have carried the session's packets, and in how many clusters. */
  carrying(): { scxs: number; clusters: number };
  /** Stops the client, every node (LEAVE first) and the dashboard. */
  stop(): Promise<void>;
}

/** Times the demo plans its ports afresh when another program took one of them before it could bind it. */
const PORT_RACE_ATTEMPTS = 3;

/**
 * Starts the demo; whatever started is stopped again if a later step fails. The ports are planned before any node
 * binds (each node's cluster names all of them), so a port taken in between by another program is a race, not a
 * user's error: the demo stops what it started and plans again, a few times.
 */
export async function runDemo(o: DemoOptions): Promise<Demo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDemo(o);
    } catch (err) {
      const raced = err instanceof ScError && err.code === ErrorCode.LISTEN_FAILED && /EADDRINUSE/.test(err.message) && !/dashboard/.test(err.message);
      if (!raced || attempt >= PORT_RACE_ATTEMPTS) throw err;
    }
  }
}

async function startDemo(o: DemoOptions): Promise<Demo> {
  const clusters: DemoCluster[] = [];
  const started: RunningNode[] = [];
  let dashboard: { server: Server; live: DashboardServer } | undefined;
  let client: TunedIn | undefined;
  let ticker: NodeJS.Timeout | undefined;
  // The demo's own overlay and node keys, in a folder of its own: its nodes trust each other, and nothing else.
  const stateDir = mkdtempSync(join(tmpdir(), 'scattercast-demo-'));
  const stopAll = async (): Promise<void> => {
    clearInterval(ticker);
    client?.close();
    dashboard?.live.close();
    dashboard?.server.close();
    dashboard?.server.closeAllConnections();
    await Promise.all(started.map((n) => n.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const plan = await planClusters(o);
    const rendezvous = plan[0]!.nodes[0]!.scx;
    const xml = `<SCATTERCAST name="${DEMO_SESSION}"><DESCRIPTION>scattercast demo: a test source streaming ${o.rate} packets/s</DESCRIPTION><CHANNEL id="${CHANNEL}"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${rendezvous}</RENDEZVOUS></SCATTERCAST>`;
    let seed = o.seed;
    for (const [ci, c] of plan.entries()) {
      const nodes: Array<DemoCluster['nodes'][number]> = [];
      const cluster = { name: c.name, members: c.nodes, prober: c.nodes[0]!.admin };
      for (const [i, m] of c.nodes.entries()) {
        const isSource = m.scx === rendezvous;
        const session = { announcement: xml, ...(isSource && { source: { channel: CHANNEL, packetsPerSecond: o.rate, payloadBytes: o.payloadBytes } }) };
        const config = nodeConfig(
          {
            listen: m.scx,
            admin: m.admin,
            cluster,
            seed: seed++,
            logLevel: o.logLevel,
            allowPrivateUrls: true,
            sessions: [session],
            trust: { stateDir },
            ...(i === 0 && { frontend: c.frontend }),
            ...(o.distances && { emulate: emulateSection(plan, ci, m.scx) }),
          },
          process.cwd(),
        );
        const running = await runNode(config);
        started.push(running);
        nodes.push({ ...m, running });
      }
      clusters.push({ name: c.name, frontend: c.frontend, nodes });
    }
    const receiver = new ReceiverStats();
    const last = clusters[clusters.length - 1]!;
    const tuned = await tuneIn(last.frontend, DEMO_SESSION, { announcement: xml }, (p) => receiver.add(p), { multicast: false, channel: CHANNEL });
    client = tuned;
    ticker = setInterval(() => receiver.tick(), 1000);
    ticker.unref();
    const snapshot = (): DashboardSnapshot => demoSnapshot(clusters, tuned, receiver);
    const live = new DashboardServer(async () => snapshot());
    dashboard = { server: await startDashboard(o.dashboard, o.dashboardFallback, live, snapshot), live };
    const at = dashboard.server.address() as { port: number };
    return {
      clusters,
      session: DEMO_SESSION,
      source: rendezvous,
      client: tuned,
      receiver,
      dashboardUrl: `http://${o.dashboard.host}:${at.port}/dashboard/`,
      snapshot,
      carrying: () => carrying(clusters),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Ports for every node, admin server and frontend, all on loopback. */
async function planClusters(o: DemoOptions): Promise<Array<{ name: string; frontend: string; nodes: Array<{ scx: string; admin: string }> }>> {
  const at = async (): Promise<string> => `127.0.0.1:${await freePort()}`;
  const plan = [];
  for (let c = 0; c < o.clusters; c++) {
    const nodes = [];
    for (let i = 0; i < o.nodesPerCluster; i++) nodes.push({ scx: await at(), admin: await at() });
    plan.push({ name: CLUSTER_NAMES[c] as string, frontend: await at(), nodes });
  }
  return plan;
}

/** The dashboard's HTTP server: the page, its WebSocket, and `GET /v1/snapshot` (the same JSON, once). */
export async function startDashboard(at: Address, fallback: boolean, live: DashboardServer, snapshot: () => DashboardSnapshot): Promise<Server> {
  const server = createHttpServer((req, res) => {
    if (live.handle(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    const ok = path === '/v1/snapshot' && req.method === 'GET';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(ok ? snapshot() : { error: { code: ErrorCode.NOT_FOUND, message: `no ${path} here; the dashboard is at /dashboard/` } }));
  });
  live.attach(server);
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(at.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !fallback) {
      throw new ScError(ErrorCode.LISTEN_FAILED, `dashboard cannot listen on ${formatAddress(at)}: ${(err as Error).message}`);
    }
    await listen(0); // Taken (another demo?): any free port will do, and the URL is printed.
  }
  return server;
}

/** Everything the demo started, seen from inside: every node, every cluster, the client's reception. */
function demoSnapshot(clusters: readonly DemoCluster[], client: TunedIn, r: ReceiverStats): DashboardSnapshot {
  const views: ClusterView[] = clusters.map((c) => ({ name: c.name, frontend: `http://${c.frontend}/v1/sessions`, nodes: c.nodes.map((n) => n.scx) }));
  return {
    at: Date.now(),
    title: `scattercast demo · ${DEMO_SESSION}`,
    clusters: views,
    nodes: clusters.flatMap((c) => c.nodes.map((n) => nodeState(n.running.node, c.name))),
    receivers: [
      {
        name: 'demo client',
        session: DEMO_SESSION,
        channel: client.channel,
        scx: client.answer.scx,
        via: client.via,
        packets: r.packets,
        packetsPerS: r.packetsPerS,
        gaps: r.gaps,
        delayMs: r.delayMs,
      },
    ],
  };
}

/** SCXs whose channel has carried packets (in, or out at the source), and the clusters they are in. */
function carrying(clusters: readonly DemoCluster[]): { scxs: number; clusters: number } {
  let scxs = 0;
  let inClusters = 0;
  for (const c of clusters) {
    let here = 0;
    for (const n of c.nodes) {
      const ch = [...n.running.node.sessions.values()][0]?.channels.get(CHANNEL)?.runtime.stats;
      if (ch && (ch.packetsIn > 0 || ch.packetsOut > 0)) here++;
    }
    scxs += here;
    if (here > 0) inClusters++;
  }
  return { scxs, clusters: inClusters };
}
