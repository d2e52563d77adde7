/**
 * What every demo shares: an emulated multi-cluster overlay on loopback. Its ports are planned before any node binds
 * (each node's cluster names all of them); unless `distances` is off, every node's link emulator places the clusters
 * at wide-area distances from each other (see `clusterDelayMs`), so that the probe modules measure them and Gossamer
 * builds a tree that crosses each distance once, not a star. Also the demo's dashboard, and stopping it all.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';
import { nodeConfig, type RawNodeConfig } from '../daemon/node-config.ts';
import { runNode, type RunningNode } from '../daemon/run-node.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { DashboardSnapshot } from '../dashboard/snapshot.ts';
import { formatAddress, type Address } from '../net/address.ts';
import { freePort } from '../net/free-port.ts';
import { createHttpServer } from '../net/http-server.ts';

/** The demos' cluster names, in order (at most eight clusters). */
export const CLUSTER_NAMES = ['west', 'central', 'east', 'north', 'south', 'pacific', 'atlantic', 'arctic'];

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
function emulateSection(plan: ReadonlyArray<{ nodes: ReadonlyArray<{ scx: string }> }>, here: number, self: string): { peers: Array<{ peer: string; delayMs: number; jitterMs: number }> } {
  const peers = plan.flatMap((c, i) =>
    c.nodes.filter((n) => n.scx !== self).map((n) => {
      const delayMs = clusterDelayMs(here, i);
      return { peer: n.scx, delayMs, jitterMs: delayMs / 10 };
    }),
  );
  return { peers };
}

/** A node's addresses on loopback (host:port). */
export interface PlannedNode {
  /** Where its SCX listens. */
  readonly scx: string;
  /** Its admin HTTP server (dashboard, metrics, apps' pages). */
  readonly admin: string;
}

/** A cluster of the plan. */
export interface PlannedCluster {
  readonly name: string;
  /** Where its frontend (on its first node) listens, host:port. */
  readonly frontend: string;
  readonly nodes: readonly PlannedNode[];
}

/** Free loopback ports for `clusters` clusters (1..8) of `nodesPerCluster` nodes and a frontend each; the first node's admin port is `firstAdminPort` unless that is 0. */
export async function planOverlay(clusters: number, nodesPerCluster: number, firstAdminPort = 0): Promise<PlannedCluster[]> {
  const at = async (): Promise<string> => `127.0.0.1:${await freePort()}`;
  const plan: PlannedCluster[] = [];
  for (let c = 0; c < clusters; c++) {
    const nodes: PlannedNode[] = [];
    for (let i = 0; i < nodesPerCluster; i++) nodes.push({ scx: await at(), admin: c === 0 && i === 0 && firstAdminPort !== 0 ? `127.0.0.1:${firstAdminPort}` : await at() });
    plan.push({ name: CLUSTER_NAMES[c]!, frontend: await at(), nodes });
  }
  return plan;
}

/** The options every demo takes. */
export interface OverlayDemoOptions {
  /** Where the dashboard listens; port 0 picks a free one. */
  readonly dashboard: Address;
  /** If the dashboard's port is taken, take any free one instead of failing (the URL is printed either way). */
  readonly dashboardFallback: boolean;
  /** Seed of every random choice the nodes make (the plan's first node takes it, each later node the next one). */
  readonly seed: number;
  /** Log level of the nodes (their JSON-lines logs go to stderr). */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Place the clusters at wide-area distances with the link emulator (false: every link is bare loopback). */
  readonly distances: boolean;
}

/** What every node of a demo's overlay is configured with alike. */
export interface OverlaySettings extends Pick<OverlayDemoOptions, 'seed' | 'logLevel' | 'distances'> {
  /** Each cluster's nodes as a cluster (members, the first node's prober) with a frontend on its first node (false: lone nodes). */
  readonly clustered: boolean;
  /** The nodes' `trust` section (`stateDir`: the demo's own overlay and node keys). */
  readonly trust: { readonly stateDir: string } & Record<string, unknown>;
}

/** A node the overlay started. */
export interface OverlayNode extends PlannedNode {
  readonly running: RunningNode;
}

/**
 * Starts every node of `plan` in order, each with the overlay's shared config and what `extra(cluster, index, node)`
 * adds, and appends each to `started` as it runs (so that the caller can stop them if a later one fails).
 */
export async function startOverlay(
  plan: readonly PlannedCluster[],
  s: OverlaySettings,
  started: RunningNode[],
  extra: (cluster: number, index: number, node: PlannedNode) => RawNodeConfig = () => ({}),
): Promise<OverlayNode[][]> {
  const clusters: OverlayNode[][] = [];
  let seed = s.seed;
  for (const [ci, c] of plan.entries()) {
    const nodes: OverlayNode[] = [];
    const cluster = { name: c.name, members: c.nodes, prober: c.nodes[0]!.admin };
    for (const [i, m] of c.nodes.entries()) {
      const config = nodeConfig(
        {
          listen: m.scx,
          admin: m.admin,
          ...(s.clustered && { cluster }),
          seed: seed++,
          logLevel: s.logLevel,
          trust: s.trust,
          ...(s.clustered && i === 0 && { frontend: c.frontend }),
          ...(s.distances && { emulate: emulateSection(plan, ci, m.scx) }),
          ...extra(ci, i, m),
        },
        process.cwd(),
      );
      const running = await runNode(config);
      started.push(running);
      nodes.push({ ...m, running });
    }
    clusters.push(nodes);
  }
  return clusters;
}

/** A demo's dashboard: the page, its WebSocket, and `GET /v1/snapshot`. */
export interface DemoDashboard {
  /** The page's URL: `http://host:port/dashboard/`. */
  readonly url: string;
  /** Closes its WebSockets and its server. */
  close(): void;
}

/** Serves the dashboard of `snapshot` at `at`; if that port is taken and `fallback`, on any free port (the URL says which). */
export async function serveDashboard(at: Address, fallback: boolean, snapshot: () => DashboardSnapshot): Promise<DemoDashboard> {
  const live = new DashboardServer(async () => snapshot());
  const server = await startDashboard(at, fallback, live, snapshot);
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${at.host}:${port}/dashboard/`,
    close: () => {
      live.close();
      server.close();
      server.closeAllConnections();
    },
  };
}

/** The dashboard's HTTP server: the page, its WebSocket, and `GET /v1/snapshot` (the same JSON, once). */
async function startDashboard(at: Address, fallback: boolean, live: DashboardServer, snapshot: () => DashboardSnapshot): Promise<Server> {
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

/** What a demo started so far, all stopped by one call (also when a later step of starting fails). */
export class DemoStarted {
  /** The demo's own folder (its overlay and node keys: its nodes trust each other, and nothing else). */
  readonly stateDir: string;
  /** Every node started, in order. */
  readonly nodes: RunningNode[] = [];
  /** The dashboard, once it serves. */
  dashboard: DemoDashboard | undefined;

  /** Makes the demo's state folder, `prefix` then random characters, under the system's temporary folder. */
  constructor(prefix: string) {
    this.stateDir = mkdtempSync(join(tmpdir(), prefix));
  }

  /** Closes the dashboard, stops every node (LEAVE first) and removes the state folder. */
  async stop(): Promise<void> {
    this.dashboard?.close();
    await Promise.all(this.nodes.map((n) => n.stop()));
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
