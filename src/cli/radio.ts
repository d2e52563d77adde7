import { Option, type Command } from 'commander';
import { LOG_LEVELS } from '../daemon/log.ts';
import { runRadioDemo, RADIO_MOUNT, type RadioDemo } from '../demo/run-radio.ts';
import { DEMO_DEFAULTS } from '../demo/run-demo.ts';
import { intFlag } from './options.ts';
import { untilStopped } from './signals.ts';
import { statusUntilStopped } from './status-loop.ts';

/** Flags of `scattercast radio`. */
export interface RadioFlags {
  clusters: number;
  file?: string;
  dashboardPort: number;
  seed: number;
  duration?: number;
  distances: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** `scattercast radio`: MusiCast on a 3-cluster overlay on loopback, until Ctrl-C (or --duration). */
export function addRadio(program: Command, out: (line: string) => void): void {
  program
    .command('radio')
    .description('run MusiCast on loopback: a radio station on a 3-cluster overlay, with a test tone (or --file) as its backup source; prints a URL for any player and an ingest URL for ffmpeg (Ctrl-C stops it all)')
    .option('--clusters <n>', 'number of clusters, one node each', intFlag('--clusters', 1, 8), 3)
    .option('--file <mp3>', 'an MP3 file to loop as the backup source (default: the built-in test tone)')
    .option('--dashboard-port <port>', 'dashboard port on 127.0.0.1 (0: any free port; a taken default falls back to any)', intFlag('--dashboard-port', 0, 65535), DEMO_DEFAULTS.dashboard.port)
    .option('--seed <n>', 'seed of every random choice the nodes make', intFlag('--seed', 0), DEMO_DEFAULTS.seed)
    .option('--no-distances', 'no emulated wide-area distances between the clusters (bare loopback)')
    .option('--duration <s>', 'stop by itself after this many seconds (default: run until Ctrl-C)', intFlag('--duration', 1, 86_400))
    .addOption(new Option('--log-level <level>', "nodes' log level; their JSON-lines logs go to stderr").choices(LOG_LEVELS).default('error'))
    .action((flags: RadioFlags) => runRadio(flags, out));
}

/** Runs the radio demo until Ctrl-C or --duration, printing where to listen and push. */
export async function runRadio(flags: RadioFlags, out: (line: string) => void): Promise<void> {
  const stopped = untilStopped();
  const radio = await runRadioDemo({
    clusters: flags.clusters,
    file: flags.file,
    dashboard: { host: '127.0.0.1', port: flags.dashboardPort },
    dashboardFallback: flags.dashboardPort === DEMO_DEFAULTS.dashboard.port,
    seed: flags.seed,
    logLevel: flags.logLevel,
    distances: flags.distances,
  });
  describe(radio, flags, out);
  await statusUntilStopped(stopped, flags.duration, () => status(radio), () => radio.stop(), out);
}

function describe(radio: RadioDemo, flags: RadioFlags, out: (line: string) => void): void {
  const source = flags.file ?? 'the built-in test tone';
  out(`scattercast radio, seed ${flags.seed}: MusiCast on ${radio.clusters.length} cluster${radio.clusters.length === 1 ? '' : 's'} on loopback`);
  for (const [i, c] of radio.clusters.entries()) {
    const role = i === 0 ? 'primary source goes here' : i === Math.min(1, radio.clusters.length - 1) ? `backup source: ${source}` : '';
    out(`  cluster ${c.name.padEnd(8)} SCX ${c.scx}  radio ${c.radioUrl}${RADIO_MOUNT}${role ? `  (${role})` : ''}`);
  }
  const last = radio.clusters[radio.clusters.length - 1]!;
  out(`  listen     ${last.radioUrl}${RADIO_MOUNT}   (any player: ffplay, mpv, VLC, a browser; every cluster's URL works)`);
  out(`  push       ffmpeg -re -i your.mp3 -c copy -f mp3 ${radio.ingestUrl}   (becomes the primary; stop it and the tone comes back)`);
  out(`  status     ${last.radioUrl}/status-json.xsl`);
  out(`  dashboard  ${radio.dashboardUrl}`);
  out('Ctrl-C to stop.');
}

function status(radio: RadioDemo): string {
  return radio.clusters
    .map((c) => {
      const m = c.running.radio?.mounts.get(RADIO_MOUNT);
      if (!m) return `${c.name}: –`;
      const playing = m.edge.source === undefined ? 'filling' : m.edge.source.startsWith('radio:1@') ? 'primary' : 'backup';
      return `${c.name}: ${m.listeners.listeners} player${m.listeners.listeners === 1 ? '' : 's'}, ${playing}`;
    })
    .join(' · ');
}
