/**
 * Data-plane benchmark (paper section 6.5): ONE SCX, the real daemon (`scattercast node`) in its own child
 * process, with 1 upstream and 4 downstreams over TCP on loopback. The upstream and downstreams are light fakes
 * in this process that speak the real node-to-node protocol (see bench-dataplane/fake-peer.ts).
 *
 *   1. per-packet delay at 10,000 packets/s of 1 KiB, through the SCX and over a direct TCP connection (and,
 *      for reference, through a null relay: a plain Node child process that copies bytes to the 4 sinks);
 *   2. aggregate throughput out of the SCX for 1..64 sessions, 1 KiB and 8 KiB packets, against iperf3 (a single
 *      stream on loopback: /usr/bin/iperf3 must be installed, `apt-get install iperf3`; CI does not install it);
 *   3. a UDP channel at 10,000 datagrams/s in (40,000/s out): sent, received per sink, loss, delay.
 *
 * Each experiment runs in both security modes back to back (`--security on,off`): the SCX secure, its default
 * (the fakes members of its overlay: mutual TLS 1.3, UDP tags; see bench-dataplane/security.ts), and --insecure;
 * the report gives both and what security adds, with a micro-benchmark of the UDP tag (seal + open).
 *
 * Usage: npm run bench:dataplane -- [--quick] [--json FILE] [--seed N] [--only LIST] [--sessions L] [--security L] [--help]
 * Progress goes to stderr, the report to stdout.
 */

import { benchOptions } from './bench-options.ts';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BENCH_GOSSAMER } from './bench-dataplane/cluster.ts';
import { runIperf } from './bench-dataplane/iperf.ts';
import { runLatency } from './bench-dataplane/latency.ts';
import { cleanup, installCleanupHandlers } from './bench-dataplane/procs.ts';
import { goals, renderReport, tlsCost, type BenchReport } from './bench-dataplane/report.ts';
import { runThroughput } from './bench-dataplane/throughput.ts';
import { measureUdpAuth, modeName, SECURITY_MODES, type Security } from './bench-dataplane/security.ts';
import { runUdp } from './bench-dataplane/udp.ts';
import { progress } from './bench-dataplane/util.ts';
import { PacketTemplate } from './bench-dataplane/wire.ts';

const EXPERIMENTS = ['latency', 'iperf', 'throughput', 'udp'] as const;
type Experiment = (typeof EXPERIMENTS)[number];

const USAGE = `usage: npm run bench:dataplane -- [options]

Measures one SCX (the real daemon in a child process) relaying from 1 upstream to 4 downstreams on loopback.

  --quick        short run (a few seconds per point), for smoke checking
  --json FILE    also write the results as JSON to FILE
  --seed N       seed of the SCX (default 1)
  --only LIST    comma-separated subset of: ${EXPERIMENTS.join(', ')} (default: all; iperf needs iperf3 installed)
  --sessions L   session counts of the throughput sweep (default 1,2,4,8,16,32,64)
  --security L   modes of the SCX, in this order: on (secure, the default of scattercast node: mutual TLS 1.3
                 on every TCP link, tags on UDP data; the fakes are members of a temporary overlay), off
                 (--insecure, plaintext); default on,off: both back to back, and what TLS adds
  --help         this text

Each experiment measures the modes back to back (latency: repetitions interleaved). With both modes the
report adds what security costs: delay added at p50/p99, throughput out secure/insecure, UDP loss and
delay, and the CPU cost of authenticating a UDP datagram (a micro-benchmark of seal + open, and the SCX's
CPU per datagram end to end). Goals with TLS: <= 20 us more at p50, >= 0.85x the throughput out.
`;

/** Durations and sizes of one run. */
function plan(quick: boolean, sessionCounts: readonly number[]) {
  return {
    latency: { rate: 10_000, payloadBytes: 1024, warmupMs: quick ? 500 : 1000, windowMs: quick ? 2000 : 5000, reps: quick ? 1 : 3 },
    iperf: { seconds: quick ? 2 : 5, reps: quick ? 1 : 3 },
    throughput: {
      sessionCounts,
      payloadSizes: [1024, 8192],
      warmupMs: quick ? 500 : 1000,
      windowMs: quick ? 1500 : 5000,
    },
    udp: { rate: 10_000, payloadBytes: 1024, warmupMs: quick ? 500 : 1000, windowMs: quick ? 2000 : 5000 },
  };
}

interface Args {
  readonly quick: boolean;
  readonly json: string | undefined;
  readonly seed: number;
  readonly only: Set<Experiment>;
  readonly sessions: number[];
  readonly security: Security[];
}

function parse(argv: string[]): Args {
  const values = benchOptions('bench-dataplane', USAGE, argv, {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    sessions: { type: 'string', default: '1,2,4,8,16,32,64' },
    security: { type: 'string', default: SECURITY_MODES.join(',') },
  });
  const seed = Number(values.seed);
  const only = new Set((values.only ?? EXPERIMENTS.join(',')).split(',').map((s) => s.trim()));
  const unknown = [...only].filter((x) => !(EXPERIMENTS as readonly string[]).includes(x));
  const sessions = values.sessions.split(',').map(Number);
  const security = [...new Set(values.security.split(',').map((s) => s.trim()))];
  const problem =
    unknown.length > 0
      ? `unknown experiment(s) ${unknown.join(', ')}`
      : security.length === 0 || !security.every((s) => (SECURITY_MODES as readonly string[]).includes(s))
        ? `bad --security ${values.security} (on, off, or both: on,off)`
      : !Number.isSafeInteger(seed) || seed < 0
        ? `bad seed ${values.seed}`
        : !sessions.every((n) => Number.isInteger(n) && n >= 1 && n <= 256)
          ? `bad session counts ${values.sessions} (integers 1..256)`
          : undefined;
  if (problem) {
    process.stderr.write(`bench-dataplane: ${problem}\n${USAGE}`);
    process.exit(2);
  }
  return { quick: values.quick, json: values.json, seed, only: only as Set<Experiment>, sessions, security: security as Security[] };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  installCleanupHandlers();
  const p = plan(args.quick, args.sessions);
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    seed: args.seed,
    scx: { command: 'node bin/scattercast.js node --config FILE', profile: 'tuned (default)', gossamer: BENCH_GOSSAMER, logLevel: 'warn' },
    machine: { cpus: availableParallelism(), node: process.version, platform: `${process.platform}/${process.arch}` },
    plan: Object.fromEntries(EXPERIMENTS.filter((e) => args.only.has(e)).map((e) => [e, p[e]])),
    security: args.security,
    goals: [],
    errors: [],
  };
  const attempt = async (name: Experiment, run: () => Promise<void>): Promise<void> => {
    if (!args.only.has(name)) return;
    progress(`--- ${name} ---`);
    try {
      await run();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      report.errors.push({ experiment: name, message });
      progress(`${name} failed: ${message}`);
      await cleanup();
    }
  };
  await attempt('latency', async () => {
    report.latency = await runLatency({ seed: args.seed, ...p.latency }, args.security);
  });
  await attempt('iperf', async () => {
    report.iperf = await runIperf(p.iperf.seconds, p.iperf.reps);
  });
  await attempt('throughput', async () => {
    report.throughput = [];
    await runThroughput({ seed: args.seed, ...p.throughput }, args.security, (pt) => {
      report.throughput?.push(pt);
      progress(
        `throughput ${modeName(pt.security)} ${pt.payloadBytes} B x ${pt.sessions} session(s): ${pt.outGbps.toFixed(2)} Gbit/s out ` +
          `(${(pt.outPacketsPerS / 1000).toFixed(1)} kpkt/s, loss ${(pt.lossFraction * 100).toFixed(2)}%, SCX CPU ${(pt.scxCpu * 100).toFixed(0)}%)`,
      );
    });
  });
  await attempt('udp', async () => {
    report.udp = {};
    for (const mode of args.security) report.udp[mode] = await runUdp({ seed: args.seed, ...p.udp }, mode);
    if (args.security.includes('on')) {
      // Datagrams as the bench sends them: the type byte and a packet of the experiment's payload.
      const bytes = 1 + new PacketTemplate(Buffer.alloc(16), 1, '127.0.0.1:1', p.udp.payloadBytes).bytes.length;
      report.udpAuth = measureUdpAuth(bytes);
      progress(`udp auth micro-benchmark: seal+open ${(report.udpAuth.sealOpenNs / 1000).toFixed(2)} us per ${bytes} B datagram`);
    }
  });
  report.tlsCost = tlsCost(report);
  report.goals = goals(report);
  process.stdout.write(`\n${renderReport(report)}`);
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`wrote ${args.json}`);
  }
  return report.errors.length > 0 ? 1 : 0;
}

let status = 1;
try {
  status = await main();
} catch (err) {
  process.stderr.write(`bench-dataplane: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  await cleanup();
}
process.exit(status);
