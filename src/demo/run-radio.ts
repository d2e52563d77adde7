/**
 * `scattercast radio` (and `scattercast demo --app radio`): MusiCast on loopback. One node per cluster, the clusters
 * at wide-area distances (the demo's link emulator), every node with a radio port that lists the station's mount.
 * A built-in tone (or `--file`) is pushed as the mount's BACKUP source into the second cluster, through the same
 * Icecast-compatible ingest any encoder uses; the first cluster takes the PRIMARY source, which is what an ffmpeg
 * the user points at the printed ingest URL becomes: players switch to it, and back to the tone when it stops.
 */

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { nodeState } from '../daemon/node-state.ts';
import type { RunningNode } from '../daemon/run-node.ts';
import type { DashboardSnapshot, ReceiverView } from '../dashboard/snapshot.ts';
import { freePort } from '../net/free-port.ts';
import { loadMp3Frames } from '../apps/musicast/radio.ts';
import { pushSource, type SourceClient } from '../apps/musicast/source-client.ts';
import { DemoStarted, planOverlay, type OverlayDemoOptions, serveDashboard, startOverlay } from './overlay.ts';

/** Options of the radio demo. */
export interface RadioDemoOptions extends OverlayDemoOptions {
  /** Number of clusters, one node each (1..8). */
  readonly clusters: number;
  /** The MP3 file pushed as the backup source, looped (default: the built-in tone). */
  readonly file: string | undefined;
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
  const started = new DemoStarted('scattercast-radio-');
  const password = randomBytes(9).toString('base64url');
  let tone: SourceClient | undefined;
  const stop = async (): Promise<void> => {
    tone?.stop();
    await started.stop();
  };
  try {
    const plan = await planOverlay(o.clusters, 1);
    const radio: string[] = [];
    for (let c = 0; c < o.clusters; c++) radio.push(`127.0.0.1:${await freePort()}`);
    const rendezvous = plan[0]!.nodes[0]!.scx;
    const mount = { mount: RADIO_MOUNT, user: 'source', password, name: 'Scattercast demo radio', genre: 'Test', bitrate: 128 };
    const nodes = await startOverlay(plan, { ...o, clustered: false, trust: { stateDir: started.stateDir } }, started.nodes, (i) => ({
      radio: { listen: radio[i], station: 'demo.musicast', rendezvous: [rendezvous], mounts: [{ ...mount, priority: Math.min(i + 1, 9) }] },
    }));
    const clusters: RadioDemoCluster[] = plan.map((c, i) => ({ name: c.name, scx: nodes[i]![0]!.scx, radioUrl: `http://${radio[i]}`, running: nodes[i]![0]!.running }));
    const backup = clusters[Math.min(1, clusters.length - 1)]!;
    tone = pushSource({ url: `${backup.radioUrl}${RADIO_MOUNT}`, user: 'source', password, frames, name: o.file === undefined ? 'Scattercast test tone' : o.file });
    const snapshot = (): DashboardSnapshot => radioSnapshot(clusters);
    started.dashboard = await serveDashboard(o.dashboard, o.dashboardFallback, snapshot);
    return {
      clusters,
      ingestUrl: `icecast://source:${password}@${clusters[0]!.radioUrl.slice('http://'.length)}${RADIO_MOUNT}`,
      dashboardUrl: started.dashboard.url,
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
