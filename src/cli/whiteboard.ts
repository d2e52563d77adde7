import { Option, type Command } from 'commander';
import { LOG_LEVELS } from '../daemon/log.ts';
import { clusterDelayMs } from '../demo/overlay.ts';
import { DEMO_DEFAULTS } from '../demo/run-demo.ts';
import { boardAt, runWhiteboardDemo, type WhiteboardDemo } from '../demo/run-whiteboard.ts';
import { intFlag } from './options.ts';
import { untilStopped } from './signals.ts';
import { statusUntilStopped } from './status-loop.ts';

/** Flags of `scattercast whiteboard`. */
export interface WhiteboardFlags {
  clusters: number;
  nodes: number;
  deck?: string;
  port: number;
  smallWidth: number;
  dashboardPort: number;
  seed: number;
  duration?: number;
  distances: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Viewers narrower than this get 2-bit images by default, CSS px (a phone held upright). */
export const DEFAULT_SMALL_WIDTH = 640;

/** `scattercast whiteboard`: the whiteboard on a 3-cluster overlay on loopback, until Ctrl-C (or --duration). */
export function addWhiteboard(program: Command, out: (line: string) => void): void {
  program
    .command('whiteboard')
    .description('run the whiteboard on loopback: a presentation on a 3-cluster overlay, a deck loaded; prints a presenter URL and a viewer URL to open in two browser windows (Ctrl-C stops it all)')
    .option('--clusters <n>', 'number of clusters', intFlag('--clusters', 1, 8), 3)
    .option('--nodes <n>', "nodes (SCXs) per cluster; each cluster's frontend picks one for each browser", intFlag('--nodes', 1, 8), 1)
    .option('--deck <file>', 'a deck file to present (JSON + images, as the presenter page saves it; default: the built-in sample deck)')
    .option('--port <port>', "HTTP port on 127.0.0.1 of the presenter's node (0: any free port)", intFlag('--port', 0, 65535), 0)
    .option('--small-width <px>', 'viewers with a screen narrower than this get 2-bit grayscale images, CSS px', intFlag('--small-width', 100, 10_000), DEFAULT_SMALL_WIDTH)
    .option('--dashboard-port <port>', 'dashboard port on 127.0.0.1 (0: any free port; a taken default falls back to any)', intFlag('--dashboard-port', 0, 65535), DEMO_DEFAULTS.dashboard.port)
    .option('--seed <n>', 'seed of every random choice the nodes make', intFlag('--seed', 0), DEMO_DEFAULTS.seed)
    .option('--no-distances', 'no emulated wide-area distances between the clusters (bare loopback)')
    .option('--duration <s>', 'stop by itself after this many seconds (default: run until Ctrl-C)', intFlag('--duration', 1, 86_400))
    .addOption(new Option('--log-level <level>', "nodes' log level; their JSON-lines logs go to stderr").choices(LOG_LEVELS).default('error'))
    .action((flags: WhiteboardFlags) => runWhiteboard(flags, out));
}

/** Runs the whiteboard demo until Ctrl-C or --duration, printing where to present and where to view. */
export async function runWhiteboard(flags: WhiteboardFlags, out: (line: string) => void): Promise<void> {
  const stopped = untilStopped();
  const wb = await runWhiteboardDemo({
    clusters: flags.clusters,
    nodesPerCluster: flags.nodes,
    deck: flags.deck,
    port: flags.port,
    smallWidth: flags.smallWidth,
    dashboard: { host: '127.0.0.1', port: flags.dashboardPort },
    dashboardFallback: flags.dashboardPort === DEMO_DEFAULTS.dashboard.port,
    seed: flags.seed,
    logLevel: flags.logLevel,
    distances: flags.distances,
  });
  describe(wb, flags, out);
  await statusUntilStopped(stopped, flags.duration, () => status(wb), () => wb.stop(), out);
}

function describe(wb: WhiteboardDemo, flags: WhiteboardFlags, out: (line: string) => void): void {
  const n = wb.clusters.length;
  out(`scattercast whiteboard, seed ${flags.seed}: "${wb.deck.title}" on ${n} cluster${n === 1 ? '' : 's'} on loopback, session ${wb.session}`);
  for (const c of wb.clusters) {
    out(`  cluster ${c.name.padEnd(8)} http ${c.entry.httpUrl}  SCX ${c.nodes.map((x) => x.scx).join(', ')}`);
  }
  if (flags.distances && n > 1) {
    const pairs = wb.clusters.flatMap((a, i) => wb.clusters.slice(i + 1).map((b, k) => `${a.name}–${b.name} ${2 * clusterDelayMs(i, i + 1 + k)}`));
    out(`  distance (emulated round trips, ms) ${pairs.join(', ')}${flags.nodes > 1 ? `; ${2 * clusterDelayMs(0, 0)} within a cluster` : ''}`);
  }
  out(`  deck       ${flags.deck ?? 'the built-in sample deck'}: ${wb.deck.slides} slides, ${wb.deck.objects} objects, loaded at SCX ${wb.deck.scx}`);
  out(`  present    ${wb.presenterUrl}`);
  out(`  view       ${wb.viewerUrl}   (add &device=small for a small device's 2-bit images)`);
  out(`  dashboard  ${wb.dashboardUrl}`);
  out('Open the presenter URL and the viewer URL in two browser windows. Ctrl-C to stop.');
}

/** Viewers, the presenter and objects held per cluster (the fewest of its nodes): `west: 2 viewers + presenter, 60 objects`. */
function status(wb: WhiteboardDemo): string {
  return wb.clusters
    .map((c) => {
      const at = c.nodes.map(boardAt);
      const viewers = at.reduce((s, b) => s + b.viewers, 0);
      const objects = Math.min(...at.map((b) => b.objects));
      return `${c.name}: ${viewers} viewer${viewers === 1 ? '' : 's'}${at.some((b) => b.presenting) ? ' + presenter' : ''}, ${objects} objects`;
    })
    .join(' · ');
}
