/**
 * `scattercast demo`: an embedded deployment on loopback. Several clusters, each of several nodes with a frontend
 * and a shared prober, at wide-area distances unless `distances` is off (overlay.ts); one session whose rendezvous
 * and test source sit in the first cluster; a client tuned in through the last cluster's frontend; and a dashboard
 * that sees all of it.
 */

import { tuneIn, type TunedIn } from '../client/tune-in.ts';
import { nodeState } from '../daemon/node-state.ts';
import type { RunningNode } from '../daemon/run-node.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { ClusterView, DashboardSnapshot } from '../dashboard/snapshot.ts';
import { DemoStarted, planOverlay, type OverlayDemoOptions, serveDashboard, startOverlay } from './overlay.ts';
import { ReceiverStats } from './receiver-stats.ts';


/** Options of the demo. */
export interface DemoOptions extends OverlayDemoOptions {
  /** Number of clusters (1..8). */
  readonly clusters: number;
  /** Nodes per cluster (1..8). */
  readonly nodesPerCluster: number;
  /** Test source rate, packets per second. */
  readonly rate: number;
  /** Test source payload, bytes per packet. */
  readonly payloadBytes: number;
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
  const started = new DemoStarted('scattercast-demo-');
  let client: TunedIn | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const stopAll = async (): Promise<void> => {
    clearInterval(ticker);
    client?.close();
    await started.stop();
  };
  try {
    const plan = await planOverlay(o.clusters, o.nodesPerCluster);
    const rendezvous = plan[0]!.nodes[0]!.scx;
    const xml = `<SCATTERCAST name="${DEMO_SESSION}"><DESCRIPTION>scattercast demo: a test source streaming ${o.rate} packets/s</DESCRIPTION><CHANNEL id="${CHANNEL}"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${rendezvous}</RENDEZVOUS></SCATTERCAST>`;
    const source = { channel: CHANNEL, packetsPerSecond: o.rate, payloadBytes: o.payloadBytes };
    const overlay = { ...o, clustered: true, trust: { stateDir: started.stateDir } };
    const nodes = await startOverlay(plan, overlay, started.nodes, (_c, _i, m) => ({
      allowPrivateUrls: true,
      sessions: [{ announcement: xml, ...(m.scx === rendezvous && { source }) }],
    }));
    const clusters: DemoCluster[] = plan.map((c, ci) => ({ name: c.name, frontend: c.frontend, nodes: nodes[ci]! }));
    const receiver = new ReceiverStats();
    const last = clusters[clusters.length - 1]!;
    const tuned = await tuneIn(last.frontend, DEMO_SESSION, { announcement: xml }, (p) => receiver.add(p), { multicast: false, channel: CHANNEL });
    client = tuned;
    ticker = setInterval(() => receiver.tick(), 1000);
    ticker.unref();
    const snapshot = (): DashboardSnapshot => demoSnapshot(clusters, tuned, receiver);
    started.dashboard = await serveDashboard(o.dashboard, o.dashboardFallback, snapshot);
    return {
      clusters,
      session: DEMO_SESSION,
      source: rendezvous,
      client: tuned,
      receiver,
      dashboardUrl: started.dashboard.url,
      snapshot,
      carrying: () => carrying(clusters),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
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
