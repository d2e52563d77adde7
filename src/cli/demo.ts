import { Option, type Command } from 'commander';
import { LOG_LEVELS } from '../daemon/log.ts';
import { clusterDelayMs } from '../demo/overlay.ts';
import { DEMO_DEFAULTS, runDemo, type Demo } from '../demo/run-demo.ts';
import { intFlag } from './options.ts';
import { untilStopped } from './signals.ts';
import { runRadio } from './radio.ts';
import { DEFAULT_SMALL_WIDTH, runWhiteboard } from './whiteboard.ts';

interface DemoFlags {
  clusters: number;
  nodes: number;
  rate: number;
  dashboardPort: number;
  seed: number;
  duration?: number;
  distances: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  app: 'stream' | 'radio' | 'whiteboard';
  file?: string;
  deck?: string;
}

/** The demo should be flowing end to end within this long, ms; past it, the demo says what it is waiting for. */
const FLOWING_WITHIN_MS = 10_000;

/** `scattercast demo`: the embedded deployment on loopback, until Ctrl-C (or --duration). */
export function addDemo(program: Command, out: (line: string) => void): void {
  program
    .command('demo')
    .description('run a whole deployment on loopback: clusters of nodes with frontends, a session with a test source, a client, and a live dashboard (Ctrl-C stops it all)')
    .option('--clusters <n>', 'number of clusters', intFlag('--clusters', 1, 8), DEMO_DEFAULTS.clusters)
    .option('--nodes <n>', 'nodes (SCXs) per cluster', intFlag('--nodes', 1, 8), DEMO_DEFAULTS.nodesPerCluster)
    .option('--rate <packets/s>', 'test source rate, packets per second', intFlag('--rate', 1, 10_000), DEMO_DEFAULTS.rate)
    .option('--dashboard-port <port>', 'dashboard port on 127.0.0.1 (0: any free port; a taken default falls back to any)', intFlag('--dashboard-port', 0, 65535), DEMO_DEFAULTS.dashboard.port)
    .option('--seed <n>', 'seed of every random choice the nodes make', intFlag('--seed', 0), DEMO_DEFAULTS.seed)
    .option('--no-distances', 'no emulated wide-area distances between the clusters: every link is bare loopback (same RTT everywhere)')
    .option('--duration <s>', 'stop by itself after this many seconds (default: run until Ctrl-C)', intFlag('--duration', 1, 86_400))
    .addOption(new Option('--log-level <level>', "nodes' log level; their JSON-lines logs go to stderr").choices(LOG_LEVELS).default('error'))
    .addOption(new Option('--app <app>', 'what the demo carries: a test source (stream), MusiCast, the Internet radio (radio, as `scattercast radio`), or the whiteboard (whiteboard, as `scattercast whiteboard`)').choices(['stream', 'radio', 'whiteboard']).default('stream'))
    .option('--file <mp3>', 'with --app radio: an MP3 file to loop as the backup source (default: the built-in test tone)')
    .option('--deck <file>', 'with --app whiteboard: a deck file to present (default: the built-in sample deck)')
    .action(async (flags: DemoFlags) => {
      if (flags.app === 'radio') return runRadio({ ...flags, clusters: flags.clusters }, out);
      if (flags.app === 'whiteboard') return runWhiteboard({ ...flags, port: 0, smallWidth: DEFAULT_SMALL_WIDTH }, out);
      // Before any start-up work: Ctrl-C or SIGTERM from here on stops the demo cleanly, once it has started.
      const stopped = untilStopped();
      const started = performance.now();
      const demo = await runDemo({
        ...DEMO_DEFAULTS,
        clusters: flags.clusters,
        nodesPerCluster: flags.nodes,
        rate: flags.rate,
        dashboard: { host: '127.0.0.1', port: flags.dashboardPort },
        dashboardFallback: flags.dashboardPort === DEMO_DEFAULTS.dashboard.port,
        seed: flags.seed,
        logLevel: flags.logLevel,
        distances: flags.distances,
      });
      describeDemo(demo, flags.seed, flags.distances, out);
      await watch(demo, started, flags.duration, stopped, out);
      out('stopping: every node leaves the session (LEAVE) and closes its sockets…');
      await demo.stop();
      out('stopped; nothing is left running.');
    });
}

/** Prints what the demo started and where to look. */
function describeDemo(demo: Demo, seed: number, distances: boolean, out: (line: string) => void): void {
  const scxs = total(demo);
  out(`scattercast demo, seed ${seed}: ${count(demo.clusters.length, 'cluster')}, ${count(scxs, 'SCX')} on loopback, session ${demo.session}`);
  for (const c of demo.clusters) {
    const nodes = c.nodes.map((n) => (n.scx === demo.source ? `${n.scx} (source, rendezvous)` : n.scx)).join(', ');
    out(`  cluster ${c.name.padEnd(8)} frontend http://${c.frontend}/v1/sessions  nodes ${nodes}`);
  }
  if (distances && demo.clusters.length > 1) {
    const pairs = demo.clusters.flatMap((a, i) => demo.clusters.slice(i + 1).map((b, k) => `${a.name}–${b.name} ${2 * clusterDelayMs(i, i + 1 + k)}`));
    out(`  distance (emulated round trips, ms) ${pairs.join(', ')}; ${2 * clusterDelayMs(0, 0)} within a cluster`);
  }
  const last = demo.clusters[demo.clusters.length - 1]!;
  out(`  client   tuned in through ${last.name}'s frontend, attached to SCX ${demo.client.answer.scx} over ${demo.client.via}`);
  out(`  dashboard  ${demo.dashboardUrl}`);
  out('Ctrl-C to stop.');
}

/** Reports when the session flows end to end, then a status line every second (terminal) or 10 s; resolves on `stopped` or --duration. */
async function watch(demo: Demo, started: number, durationS: number | undefined, stopped: Promise<unknown>, out: (line: string) => void): Promise<void> {
  const tty = process.stdout.isTTY === true;
  let flowing = false;
  let warned = false;
  let ticks = 0;
  const status = (): string => {
    const r = demo.receiver;
    const c = demo.carrying();
    const delay = r.delayMs === null ? '–' : `${r.delayMs.toFixed(1)} ms`;
    return `client ${count(r.packets, 'packet')} · ${r.packetsPerS.toFixed(0)} pkt/s · ${count(r.gaps, 'gap')} · delay ${delay} · ${count(c.scxs, 'SCX')} in ${count(c.clusters, 'cluster')} carrying`;
  };
  const check = (): void => {
    const c = demo.carrying();
    const elapsed = (performance.now() - started) / 1000;
    if (!flowing && c.scxs >= Math.min(6, total(demo)) && demo.receiver.packets > 0) {
      flowing = true;
      if (tty) process.stdout.write('\r\x1b[K');
      out(`flowing ${elapsed.toFixed(1)} s after start: source → ${count(c.scxs, 'SCX')} in ${count(c.clusters, 'cluster')} → client`);
    } else if (!flowing && !warned && elapsed * 1000 > FLOWING_WITHIN_MS) {
      warned = true;
      out(`not flowing end to end yet after ${elapsed.toFixed(0)} s: ${status()}`);
    }
  };
  const timer = setInterval(() => {
    check();
    ticks++;
    if (!flowing) return;
    if (tty) process.stdout.write(`\r\x1b[K${status()}`);
    else if (ticks % 40 === 0) out(status());
  }, 250);
  let limit: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    if (durationS !== undefined) limit = setTimeout(resolve, durationS * 1000);
  });
  await Promise.race([stopped, timeUp]);
  clearTimeout(limit);
  clearInterval(timer);
  if (tty) process.stdout.write('\r\x1b[K');
  out(status());
}

/** Every SCX the demo started. */
function total(demo: Demo): number {
  return demo.clusters.reduce((n, c) => n + c.nodes.length, 0);
}

/** `n word`, with an s when n is not 1. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
