/**
 * `scattercast radio` (and `scattercast demo --app radio`): MusiCast on loopback. One node per cluster, the clusters
 * at wide-area distances (the demo's link emulator), every node with a radio port that lists the station's mount.
 * A built-in tone (or `--file`) is pushed as the mount's BACKUP source into the second cluster, through the same
 * Icecast-compatible ingest any encoder uses; the first cluster takes the PRIMARY source, which is what an ffmpeg
 * the user points at the printed ingest URL becomes: players switch to it, and back to the tone when it stops.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeConfig } from '../daemon/node-config.ts';
import { nodeState } from '../daemon/node-state.ts';
import { runNode, type RunningNode } from '../daemon/run-node.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { DashboardSnapshot, ReceiverView } from '../dashboard/snapshot.ts';
import type { Address } from '../net/address.ts';
import { freePort } from '../net/free-port.ts';
import { loadMp3Frames } from '../apps/musicast/radio.ts';
import { pushSource, type SourceClient } from '../apps/musicast/source-client.ts';
import { CLUSTER_NAMES, emulateSection, startDashboard } from './run-demo.ts';

/** Options of the radio demo. */
export interface RadioDemoOptions {
  /** Number of clusters, one node each (1..8). */
  readonly clusters: number;
  /** The MP3 file pushed as the backup source, looped (default: the built-in tone). */
  readonly file: string | undefined;
  /** Where the dashboard listens; port 0 picks a free one. */
  readonly dashboard: Address;
  /** If the dashboard's port is taken, take any free one instead of failing. */
  readonly dashboardFallback: boolean;
  readonly seed: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Place the clusters at wide-area distances (false: bare loopback). */
  readonly distances: boolean;
}

/** The built-in tone: 8 s of 128 kbit/s MP3 (assets/radio/README.md says how it was made). */
export const BUILTIN_TONE = fileURLToPath(new URL('../../assets/radio/tone.mp3', import.meta.url));

/** The demo station's mount. */
export const RADIO_MOUNT = '/live';

/** A cluster of the radio demo. */
export interface RadioDemoCluster {
  readonly name: string;
  readonly scx: string;
  /** The radio port: `http://127.0.0.1:port`. */
  readonly radioUrl: string;
  readonly running: RunningNode;
}

/** A running radio demo. */
export interface RadioDemo {
  readonly clusters: readonly RadioDemoCluster[];
  /** Where an encoder pushes the primary source: `icecast://source:PASS@host:port/live`. */
  readonly ingestUrl: string;
  readonly dashboardUrl: string;
  snapshot(): DashboardSnapshot;
  stop(): Promise<void>;
}

/** Starts the radio demo; whatever started is stopped again if a later step fails. */
export async function runRadioDemo(o: RadioDemoOptions): Promise<RadioDemo> {
  const frames = loadMp3Frames(o.file ?? BUILTIN_TONE, o.file === undefined ? 'the built-in tone' : '--file');
  const stateDir = mkdtempSync(join(tmpdir(), 'scattercast-radio-'));
  const password = randomBytes(9).toString('base64url');
  const clusters: RadioDemoCluster[] = [];
  let tone: SourceClient | undefined;
  let dashboard: { server: Server; live: DashboardServer } | undefined;
  const stop = async (): Promise<void> => {
    tone?.stop();
    dashboard?.live.close();
    dashboard?.server.close();
    dashboard?.server.closeAllConnections();
    await Promise.all(clusters.map((c) => c.running.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const at = async (): Promise<string> => `127.0.0.1:${await freePort()}`;
    const plan: Array<{ name: string; nodes: Array<{ scx: string }>; admin: string; radio: string }> = [];
    for (let c = 0; c < o.clusters; c++) plan.push({ name: CLUSTER_NAMES[c]!, nodes: [{ scx: await at() }], admin: await at(), radio: await at() });
    const rendezvous = plan[0]!.nodes[0]!.scx;
    for (const [i, c] of plan.entries()) {
      const scx = c.nodes[0]!.scx;
      const config = nodeConfig(
        {
          listen: scx,
          admin: c.admin,
          seed: o.seed + i,
          logLevel: o.logLevel,
          trust: { stateDir },
          ...(o.distances && { emulate: emulateSection(plan, i, scx) }),
          radio: {
            listen: c.radio,
            station: 'demo.musicast',
            rendezvous: [rendezvous],
            mounts: [{ mount: RADIO_MOUNT, user: 'source', password, name: 'Scattercast demo radio', genre: 'Test', bitrate: 128, priority: Math.min(i + 1, 9) }],
          },
        },
        process.cwd(),
      );
      clusters.push({ name: c.name, scx, radioUrl: `http://${c.radio}`, running: await runNode(config) });
    }
    const backup = clusters[Math.min(1, clusters.length - 1)]!;
    tone = pushSource({ url: `${backup.radioUrl}${RADIO_MOUNT}`, user: 'source', password, frames, name: o.file === undefined ? 'Scattercast test tone' : o.file });
    const snapshot = (): DashboardSnapshot => radioSnapshot(clusters);
    const live = new DashboardServer(async () => snapshot());
    dashboard = { server: await startDashboard(o.dashboard, o.dashboardFallback, live, snapshot), live };
    const port = (dashboard.server.address() as { port: number }).port;
    return {
      clusters,
      ingestUrl: `icecast://source:${password}@${clusters[0]!.radioUrl.slice('http://'.length)}${RADIO_MOUNT}`,
      dashboardUrl: `http://${o.dashboard.host}:${port}/dashboard/`,
      snapshot,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Every node, and the players of each as a receiver of the mount's session. */
function radioSnapshot(clusters: readonly RadioDemoCluster[]): DashboardSnapshot {
  const receivers: ReceiverView[] = clusters.flatMap((c) =>
    [...(c.running.radio?.mounts.values() ?? [])].map((m) => ({
      name: `${m.listeners.listeners} player${m.listeners.listeners === 1 ? '' : 's'} of ${m.config.mount} (${m.edge.source === undefined ? 'filling' : 'live'})`,
      session: m.session.name,
      channel: 0,
      scx: c.scx,
      via: 'unicast' as const,
      packets: m.edge.counters.liveFrames + m.edge.counters.fillFrames,
      packetsPerS: 0,
      gaps: m.edge.counters.fillFrames,
      delayMs: null,
    })),
  );
  return {
    at: Date.now(),
    title: 'scattercast radio · MusiCast',
    clusters: clusters.map((c) => ({ name: c.name, frontend: c.radioUrl, nodes: [c.scx] })),
    nodes: clusters.map((c) => nodeState(c.running.node, c.name)),
    receivers,
  };
}
