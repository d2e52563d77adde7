/**
 * MusiCast against icecast2 on the same machine (issue 14, "Beat Icecast, side by side"): one 128 kbit/s source
 * (ffmpeg pushing a tone with the Icecast protocol), then 1,000, 5,000 and 10,000 light listeners (child processes
 * of raw TCP clients, bench-radio/listeners.ts) on a fresh server each time; CPU and RSS of the serving processes,
 * listeners keeping up, first byte and first frame. Then MusiCast as a 3-cluster overlay under the same loads,
 * fed by the bench's own marker source, with the end-to-end delay from ingest to listener.
 *
 * Usage: npm run bench:radio -- [--listeners L] [--window S] [--servers L] [--overlay L|none] [--rate N] [--json FILE] [--seed N] [--help]
 * Progress goes to stderr, the report to stdout. Exit 1 on a missed goal or an error.
 */

import { benchOptions } from './bench-options.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { freePort } from './bench-dataplane/cluster.ts';
import { cleanup, systemCpu } from './bench-dataplane/procs.ts';
import { sleep } from './bench-dataplane/util.ts';
import { startFfmpegSource } from './bench-radio/ffmpeg-source.ts';
import { startIcecast } from './bench-radio/icecast.ts';
import { progress } from './bench-radio/log.ts';
import { encodeTone, MarkerSource } from './bench-radio/marker-source.ts';
import { startMusicast } from './bench-radio/musicast.ts';
import { runPoint, type PointPlan } from './bench-radio/point.ts';
import { DelayProbes, type DelayResult } from './bench-radio/probe.ts';
import { goals, renderReport, type RadioReport } from './bench-radio/report.ts';
import type { RadioServer } from './bench-radio/server.ts';

const SERVERS = ['icecast', 'musicast'] as const;
type ServerName = (typeof SERVERS)[number];

/** Icecast's defaults, set on both servers: burst on connect and the queue after which a listener is cut, bytes. */
const BURST_BYTES = 65_535;
const QUEUE_BYTES = 524_288;
/** Delay probes per overlay node. */
const PROBES_PER_NODE = 2;

const USAGE = `usage: npm run bench:radio -- [options]

Runs icecast2 (as user icecast2) and MusiCast (scattercast node with a radio section) on this machine, one at a
time, each with one ffmpeg source at 128 kbit/s and N light listeners in child processes, and prints per server
and N: CPU of the serving processes, RSS per listener, listeners keeping up (>= 99% of the bytes over the window),
first byte and first frame p50/p99. Then MusiCast as 3 nodes (3 clusters) with the listeners spread over them:
total CPU and the end-to-end delay of marked frames from the bench's own source to probe listeners.

  --listeners L  listener counts, comma-separated (default 1000,5000,10000)
  --window S     measurement window per point, seconds (default 30)
  --servers L    side-by-side servers, in order: icecast, musicast (default icecast,musicast)
  --overlay L    listener counts of the overlay section, or none (default: the --listeners counts)
  --rate N       listener connects per second (default 100: icecast2 accepts from one thread with a backlog of 5, and
                 drops connects at 200/s and more, so a faster ramp measures its accept queue, not its streaming)
  --json FILE    also write the results as JSON to FILE
  --seed N       seed of the MusiCast nodes (default 1; the bench itself draws nothing at random)
  --help         this text

Goals (MusiCast): CPU <= 0.7x Icecast's at 5,000; every listener keeping up at 10,000; first byte p99 <= 50 ms
at 1,000. Exit status 1 on a miss or an error.
`;

interface Args {
  readonly counts: number[];
  readonly windowS: number;
  readonly servers: ServerName[];
  readonly overlay: number[];
  readonly rate: number;
  readonly json: string | undefined;
  readonly seed: number;
}

const counts = (s: string): number[] => s.split(',').map((x) => Number(x.trim()));
const validCounts = (xs: number[]): boolean => xs.length > 0 && xs.every((n) => Number.isInteger(n) && n >= 1 && n <= 20_000);

function parse(argv: string[]): Args {
  const values = benchOptions('bench-radio', USAGE, argv, {
    listeners: { type: 'string', default: '1000,5000,10000' },
    window: { type: 'string', default: '30' },
    servers: { type: 'string', default: SERVERS.join(',') },
    overlay: { type: 'string' },
    rate: { type: 'string', default: '100' },
    json: { type: 'string' },
    seed: { type: 'string', default: '1' },
  });
  const a = {
    counts: counts(values.listeners),
    windowS: Number(values.window),
    servers: [...new Set(values.servers.split(',').map((s) => s.trim()))] as ServerName[],
    overlay: values.overlay === 'none' ? [] : counts(values.overlay ?? values.listeners),
    rate: Number(values.rate),
    json: values.json,
    seed: Number(values.seed),
  };
  const problem = !validCounts(a.counts)
    ? `bad --listeners ${values.listeners} (integers 1..20000)`
    : !(a.windowS >= 2 && a.windowS <= 600)
      ? `bad --window ${values.window} (2..600 s)`
      : !a.servers.every((s) => (SERVERS as readonly string[]).includes(s))
        ? `bad --servers ${values.servers} (icecast, musicast)`
        : a.overlay.length > 0 && !validCounts(a.overlay)
          ? `bad --overlay ${values.overlay} (integers 1..20000, or none)`
          : !(a.rate >= 10 && a.rate <= 5000)
            ? `bad --rate ${values.rate} (10..5000 per second)`
            : !Number.isSafeInteger(a.seed) || a.seed < 0
              ? `bad --seed ${values.seed}`
              : undefined;
  if (problem) {
    process.stderr.write(`bench-radio: ${problem}\n${USAGE}`);
    process.exit(2);
  }
  return a;
}

/** A sysctl's value, or '?'. */
function sysctl(path: string): string {
  try {
    return readFileSync(`/proc/sys/${path}`, 'utf8').trim().replace(/\s+/g, '-');
  } catch {
    return '?';
  }
}

function plan(a: Args, count: number): PointPlan {
  return { count, windowS: a.windowS, ratePerS: a.rate, fillMs: 4500, settleMs: 3000, headerTimeoutMs: 20_000 };
}

/** Starts a fresh server of `name`. */
async function startServer(name: ServerName, seed: number): Promise<RadioServer> {
  if (name === 'icecast') return startIcecast(await freePort(), { clients: 20_000, burstBytes: BURST_BYTES, queueBytes: QUEUE_BYTES });
  return startMusicast({ nodes: 1, seed, burstBytes: BURST_BYTES, queueBytes: QUEUE_BYTES });
}

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n[bench-radio] ${signal}: stopping servers, sources and listeners by PID\n`);
    setTimeout(() => process.exit(130), 8000).unref();
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const machine = {
    cpus: availableParallelism(),
    node: process.version,
    icecast: execFileSync('icecast2', ['-v'], { encoding: 'utf8' }).trim(),
    'ip_local_port_range': sysctl('net/ipv4/ip_local_port_range'),
    somaxconn: sysctl('net/core/somaxconn'),
    'tcp_max_syn_backlog': sysctl('net/ipv4/tcp_max_syn_backlog'),
    'fd limit': execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim(),
  };
  const before = systemCpu([]);
  await sleep(2000);
  const busy = before().machineCores;
  progress(`machine: ${JSON.stringify(machine)}; busy before the run: ${busy.toFixed(2)} cores`);
  if (busy > 0.3) progress(`warning: other work keeps ${busy.toFixed(2)} of ${machine.cpus} cores busy: the figures will be disturbed`);
  const report: RadioReport = {
    startedAt: new Date().toISOString(),
    command: `npm run bench:radio -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { ...machine, 'cores busy before the run': Number(busy.toFixed(2)) },
    plan: { listeners: a.counts, windowS: a.windowS, servers: a.servers, overlay: a.overlay, ratePerS: a.rate, seed: a.seed, burstBytes: BURST_BYTES, queueBytes: QUEUE_BYTES },
    points: [],
    overlay: [],
    goals: [],
    errors: [],
  };
  for (const name of a.servers) {
    for (const count of a.counts) {
      progress(`--- ${name}, ${count} listeners ---`);
      try {
        const p = await runPoint(() => startServer(name, a.seed), (s) => startFfmpegSource(s.ingest), plan(a, count));
        report.points.push(p);
        progress(`${name} x ${count}: CPU ${(p.serverCores * 100).toFixed(1)}%, ${p.fleet.keepingUp} keeping up, first byte p99 ${p.fleet.firstByteMs.p99.toFixed(1)} ms`);
      } catch (err) {
        report.errors.push({ what: `${name} x ${count}`, message: err instanceof Error ? err.message : String(err) });
        progress(`${name} x ${count} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const frames = a.overlay.length > 0 ? encodeTone(20) : [];
  for (const count of a.overlay) {
    progress(`--- musicast x3 overlay, ${count} listeners ---`);
    let source: MarkerSource | undefined;
    let probes: DelayProbes | undefined;
    try {
      const p = await runPoint(
        () => startMusicast({ nodes: 3, seed: a.seed, burstBytes: BURST_BYTES, queueBytes: QUEUE_BYTES }),
        async (s) => (source = await MarkerSource.start(s.ingest, frames)),
        plan(a, count),
        {
          async afterSource(s) {
            const d = (probes = await DelayProbes.start(s.endpoints, PROBES_PER_NODE, source as MarkerSource));
            return { windowStart: () => d.start(), windowEnd: () => d.end(), close: () => d.close() };
          },
        },
      );
      const delay: DelayResult = (probes as DelayProbes).result();
      report.overlay.push({ ...p, delay });
      progress(`overlay x ${count}: CPU ${(p.serverCores * 100).toFixed(1)}%, delay p50 ${delay.perNode.map((d) => d.p50.toFixed(0)).join('/')} ms`);
    } catch (err) {
      report.errors.push({ what: `overlay x ${count}`, message: err instanceof Error ? err.message : String(err) });
      progress(`overlay x ${count} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  report.goals = goals(report);
  process.stdout.write(`\n${renderReport(report)}`);
  if (a.json) {
    writeFileSync(a.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`wrote ${a.json}`);
  }
  return report.errors.length > 0 || report.goals.some((g) => g.pass === false) ? 1 : 0;
}

let status = 1;
try {
  status = await main();
} catch (err) {
  process.stderr.write(`bench-radio: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  await cleanup();
}
process.exit(status);
