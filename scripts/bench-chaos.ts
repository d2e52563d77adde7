/**
 * `npm run bench:chaos`: the chaos and attack bench of issue 11. Real node processes, one per network namespace on
 * one bridge, one session streaming; phases of failures and attacks, each measured against its goal. See --help and
 * scripts/chaos/ (one concept per file: options, prerequisites, deployment, firewall, records, mesh, attacks, goals,
 * and one file per phase).
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FRAME_BYTES } from '../src/net/framed-connection.ts';
import { Deployment } from './chaos/deployment.ts';
import { Results } from './chaos/goals.ts';
import { HELP, parseOptions, UsageError, type Options, type PhaseName } from './chaos/options.ts';
import { missingPrerequisites } from './chaos/prerequisites.ts';
import { Rng } from './chaos/rng.ts';
import { sleep } from './chaos/wait.ts';
import { allReceiving, type Effective, type PhaseContext } from './chaos/phases/context.ts';
import { attacks } from './chaos/phases/attacks.ts';
import { flap } from './chaos/phases/flap.ts';
import { forgeries } from './chaos/phases/forgeries.ts';
import { generator } from './chaos/phases/generator.ts';
import { gray } from './chaos/phases/gray.ts';
import { kill } from './chaos/phases/kill.ts';
import { rest } from './chaos/phases/rest.ts';

const RUNNERS: Record<PhaseName, (ctx: PhaseContext) => Promise<void>> = { rest, flap, gray, attacks, forgeries, generator, kill };
/** The whole run is bounded: past this, it stops, cleans up, and fails. */
const RUN_BOUND_MS = 20 * 60_000;
/** Quiet time after every receiver first receives, before the first phase: the mesh still forms then. */
const START_SETTLE_MS = 10_000;

/** The heartbeat interval and limits a node of this deployment runs with (`scattercast node --print-config`). */
function effectiveConfig(code: string, configPath: string): Effective {
  const out = execFileSync('node', [join(code, 'bin/scattercast.js'), 'node', '--config', configPath, '--print-config'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const c = JSON.parse(out) as { gossamer?: { heartbeatIntervalMs?: number }; limits?: { connectionsTotal?: number } };
  const heartbeatIntervalMs = c.gossamer?.heartbeatIntervalMs;
  if (typeof heartbeatIntervalMs !== 'number') throw new Error('--print-config shows no gossamer.heartbeatIntervalMs');
  return { heartbeatIntervalMs, connectionsTotal: c.limits?.connectionsTotal ?? Infinity, maxFrameBytes: MAX_FRAME_BYTES };
}

/** The first error line the nodes logged, or a note that they logged none. */
function firstError(d: Deployment): string {
  try {
    const line = readFileSync(join(d.dir, 'nodes.log'), 'utf8').split('\n').find((l) => l.includes('"level":"error"') || l.includes('"level":"fatal"'));
    if (line === undefined) return 'no error in their log';
    const e = JSON.parse(line) as { msg?: string; error?: string };
    return `their first error: ${e.msg ?? ''}: ${(e.error ?? '').split('\n')[0]}`;
  } catch {
    return 'no log';
  }
}

function cleanUpAll(): void {
  for (const d of [...Deployment.open]) d.destroy();
}

async function run(o: Options): Promise<number> {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`bench:chaos: cannot run here: ${missing.join('; ')}\n`);
    return 3;
  }
  const started = Date.now();
  process.stdout.write(`bench:chaos seed ${o.seed} (replay with --seed ${o.seed}): ${o.nodes} nodes, phases ${o.only.join(', ')}\n`);
  const rng = new Rng(o.seed);
  const results = new Results();
  const d = await Deployment.create(o.nodes, o.seed, o.keep, o.code);
  try {
    const effective = effectiveConfig(d.code, d.configPath(0));
    process.stdout.write(`      hosts 10.x: ${d.lan.ip(0)}..${d.lan.ip(o.nodes - 1)} in namespaces ${d.lan.namespaces[0]}.., heartbeat interval ${effective.heartbeatIntervalMs} ms, source 50 packets/s on host 0, nodes run ${d.code}\n`);
    process.stderr.write(`  [start] starting ${o.nodes} nodes\n`);
    const ctx0: PhaseContext = { d, results, rng, effective };
    if (!(await allReceiving('start', ctx0)) && d.live().every((i) => !d.flowing([i], 5000) || i === 0)) {
      throw new Error(`no receiver got a packet within 90 s of the start: the nodes do not work (${firstError(d)}); --keep keeps their log`);
    }
    process.stderr.write(`  [start] ${d.live().length} nodes up after ${((Date.now() - started) / 1000).toFixed(0)} s; settling ${START_SETTLE_MS / 1000} s\n`);
    await sleep(START_SETTLE_MS);
    for (const phase of o.only) {
      process.stderr.write(`  [${phase}] starting at ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      await RUNNERS[phase]({ ...ctx0, rng: rng.fork(phase) });
    }
  } finally {
    d.destroy();
  }
  process.stdout.write(`\n${results.table()}\n\n`);
  const failed = results.failed();
  const scored = results.goals.filter((g) => g.pass !== undefined).length;
  process.stdout.write(`${scored - failed.length} of ${scored} goals met in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${o.seed})\n`);
  if (o.json) results.writeJson(o.json, { seed: o.seed, nodes: o.nodes, phases: o.only, wallS: (Date.now() - started) / 1000 });
  return failed.length > 0 ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let o: Options | 'help';
  try {
    o = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench:chaos: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (o === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpAll();
      process.stderr.write(`bench:chaos: ${signal}: stopped; nodes, namespaces and bridge removed\n`);
      process.exit(130);
    });
  }
  const bound = setTimeout(() => {
    cleanUpAll();
    process.stderr.write(`bench:chaos: the run passed its bound of ${RUN_BOUND_MS / 60_000} min: stopped, nodes, namespaces and bridge removed\n`);
    process.exit(3);
  }, RUN_BOUND_MS);
  bound.unref();
  try {
    return await run(o);
  } catch (err) {
    cleanUpAll();
    process.stderr.write(`bench:chaos: ${(err as Error).message.split('\n')[0]}\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
