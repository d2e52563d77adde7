import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { Random } from '../core/random.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { ProfileName } from '../gossamer/profiles.ts';
import { toCsv } from '../report/csv.ts';
import { describe } from '../sim/experiments/figure.ts';
import { buildFigures, runsText, standardRuns } from '../sim/experiments/figures.ts';
import { LARGE_SCX, planFigures, SCALE_ROUTERS, SCALE_SIZES, SECTIONS, type PlannedJob, type SectionId } from '../sim/experiments/plan.ts';
import { DEFAULT_SCENARIO, type ScenarioResult } from '../sim/scenario.ts';
import { runJobs } from '../sim/experiments/pool.ts';
import { buildReport } from '../sim/experiments/report.ts';
import { REPORT_NOTES } from '../sim/experiments/notes.ts';
import { loadUnderlay } from '../sim/topology/index.ts';
import { intFlag, numberFlag } from './options.ts';
import { JobProgress } from './progress-lines.ts';
import { dieOnSignal } from './signals.ts';

/** The repository's own Topology Zoo maps. */
const MAPS_DIR = new URL('../../topologies/', import.meta.url).pathname;

interface FiguresFlags {
  out: string;
  runs: number;
  quick?: boolean;
  profile: 'paper' | 'tuned' | 'both';
  workers?: number;
  scale?: number[] | true;
  from?: string;
  runsLarge?: number;
  runsDegree?: number;
  maxTime: number;
  only?: SectionId[];
}

/** `scattercast sim figures`: every figure of the paper's evaluation, for our code, with a report. */
export function addSimFigures(sim: Command, out: (line: string) => void): void {
  sim
    .command('figures')
    .description("run the paper's evaluation (Figs. 5-12) for both profiles and write plots, data and REPORT.md")
    .requiredOption('--out <dir>', 'where to write the PNG/SVG plots, CSV data and REPORT.md')
    .option('--runs <n>', 'runs (seeds 1..n) per point', intFlag('--runs', 1, 1000), 25)
    .option('--runs-large <n>', `runs per point of sessions over ${LARGE_SCX} SCXs (Figs. 9, 10, 12; default: --runs)`, intFlag('--runs-large', 1, 1000))
    .option('--runs-degree <n>', 'runs per point of the degrees of Fig. 11 other than <3,4> (default: --runs)', intFlag('--runs-degree', 1, 1000))
    .option(
      '--max-time <s>',
      'time cap of the runs behind Figs. 5-12 and the at-a-glance table, virtual s (past 1200 they also report their state at 1200 s); real-map and scale runs keep 1200',
      numberFlag('--max-time', 1),
      DEFAULT_SCENARIO.maxTimeS,
    )
    .option('--only <sections>', `remake only these sections of the REPORT.md in --out, keeping the others: ${SECTIONS.join(',')}`, sectionsFlag)
    .option('--quick', 'fewer runs (at most 3) and points, the same figures: a smoke test of under 2 minutes')
    .addOption(new Option('--profile <name>', 'which profiles to run').choices(['paper', 'tuned', 'both']).default('both'))
    .option('--workers <n>', 'worker threads (default: one per core)', intFlag('--workers', 0, 64))
    .option(
      '--scale [sizes]',
      `also run sessions of these sizes on a ${SCALE_ROUTERS}-router underlay, e.g. 1000,5000 (the default; 5,000 SCXs take about half an hour and ~10 GB)`,
      sizesFlag,
    )
    .option('--from <runs.json>', 'reuse the results of an earlier run (its runs.json); simulate only what it lacks')
    .action(async (flags: FiguresFlags) => {
      dieOnSignal(); // a batch job: Ctrl-C or SIGTERM ends it at once, its worker threads with it
      const started = performance.now();
      try {
        mkdirSync(flags.out, { recursive: true });
      } catch (err) {
        throw new ScError(ErrorCode.USAGE, `cannot create --out ${flags.out}: ${(err as Error).message}`);
      }
      const profiles: ProfileName[] = flags.profile === 'both' ? ['paper', 'tuned'] : [flags.profile];
      const scale = flags.scale === undefined ? [] : Array.isArray(flags.scale) ? flags.scale : [...SCALE_SIZES];
      const plan = {
        runs: flags.runs,
        quick: flags.quick === true,
        profiles,
        maps: mapsOf(MAPS_DIR),
        scale,
        maxTimeS: flags.maxTime,
        ...(flags.runsLarge === undefined ? {} : { runsLarge: flags.runsLarge }),
        ...(flags.runsDegree === undefined ? {} : { runsDegree: flags.runsDegree }),
        ...(flags.only === undefined ? {} : { only: flags.only }),
      };
      const jobs = planFigures(plan);
      const saved = flags.from ? readRuns(flags.from) : { byId: new Map<string, ScenarioResult>(), wallS: 0 };
      const missing = jobs.filter((j) => !saved.byId.has(j.id));
      const fresh = await simulate(missing, flags.workers);
      missing.forEach((j, i) => saved.byId.set(j.id, fresh[i] as ScenarioResult));
      const results = jobs.map((j) => saved.byId.get(j.id) as ScenarioResult);
      const wallS = saved.wallS + (missing.length > 0 ? (performance.now() - started) / 1000 : 0);
      writeFileSync(join(flags.out, 'runs.json'), JSON.stringify({ ids: jobs.map((j) => j.id), results, wallS }));
      const { figures, tables } = buildFigures(plan, jobs, results);
      // Loaded here, not at the top: vega, vega-lite and resvg would add some 0.3 s of CPU to every command's start-up.
      const { renderChart } = await import('../report/render.ts');
      for (const f of figures) {
        const { svg, png } = await renderChart(f.chart);
        writeFileSync(join(flags.out, `${f.id}.svg`), svg);
        writeFileSync(join(flags.out, `${f.id}.png`), png);
        writeFileSync(join(flags.out, `${f.id}.csv`), toCsv(f.csv.header, f.csv.rows));
      }
      const command =
        `scattercast sim figures --out DIR --runs ${flags.runs}${flags.runsLarge === undefined ? '' : ` --runs-large ${flags.runsLarge}`}` +
        `${flags.runsDegree === undefined ? '' : ` --runs-degree ${flags.runsDegree}`}` +
        `${flags.maxTime === DEFAULT_SCENARIO.maxTimeS ? '' : ` --max-time ${flags.maxTime}`}${flags.quick ? ' --quick' : ''} --profile ${flags.profile}` +
        `${scale.length > 0 ? ` --scale ${scale.join(',')}` : ''}${flags.only === undefined ? '' : ` --only ${flags.only.join(',')}`}`;
      const runsBySection = Object.fromEntries(SECTIONS.map((id) => [id, runsText(id, jobs)]));
      const ctx = { command, profiles, simulations: jobs.length, wallS, workers: flags.workers ?? availableParallelism(), runsBySection };
      const reportPath = join(flags.out, 'REPORT.md');
      const previous = flags.only !== undefined && existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
      writeFileSync(reportPath, buildReport(ctx, figures, tables, REPORT_NOTES, previous));
      out(`wrote ${figures.length} figures (PNG, SVG, CSV) and REPORT.md to ${flags.out}: ${jobs.length} simulations in ${Math.round(wallS)} s`);
      for (const p of profiles) {
        const std = standardRuns(jobs, results, p);
        out(`  ${p.padEnd(6)} at 100 SCXs: cost ratio ${describe(std.map((r) => r.costRatio))}, 90% discovery ${describe(std.map((r) => r.discovery90AtS ?? Number.NaN), 0)} s, last mesh change ${describe(std.map((r) => r.stableAtS), 0)} s`);
      }
    });
}

/** Parses `--only fig05,fig12,goals` (sections of REPORT.md; "5" means fig05). */
function sectionsFlag(value: string): SectionId[] {
  const ids = value.split(',').map((v) => v.trim()).map((v) => (/^\d+$/.test(v) ? `fig${v.padStart(2, '0')}` : v));
  const bad = ids.find((id) => !(SECTIONS as readonly string[]).includes(id));
  if (ids.length === 0 || bad !== undefined) {
    throw new ScError(ErrorCode.USAGE, `--only takes a comma-separated list of ${SECTIONS.join(', ')}; got '${bad ?? value}'`);
  }
  return [...new Set(ids)] as SectionId[];
}

/** Parses `--scale 1000,5000` (SCXs per session, at most the underlay's routers). */
function sizesFlag(value: string): number[] {
  const sizes = value.split(',').map((v) => Number(v.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 2 || n > SCALE_ROUTERS)) {
    throw new ScError(ErrorCode.USAGE, `--scale must be a comma-separated list of SCX counts in 2..${SCALE_ROUTERS}, got '${value}'`);
  }
  return sizes;
}

/** Runs the planned simulations over worker threads, with progress on stderr. */
async function simulate(jobs: readonly PlannedJob[], workers: number | undefined): Promise<ScenarioResult[]> {
  if (jobs.length === 0) return [];
  const progress = new JobProgress('simulating', jobs.length);
  const done = await runJobs(
    jobs.map((j) => ({ id: j.id, options: j.options })),
    {
      ...(workers === undefined ? {} : { workers }),
      onDone: (n, total, last) => progress.jobDone(n, total, last.id.replace(/\|/g, ' '), last.result.wallMs),
    },
  );
  progress.finish();
  return done.map((d) => d.result);
}

/** The results of an earlier run, by job id, and the wall time they took. */
function readRuns(path: string): { byId: Map<string, ScenarioResult>; wallS: number } {
  let saved: { ids?: unknown; results?: unknown; wallS?: unknown };
  try {
    saved = JSON.parse(readFileSync(path, 'utf8')) as typeof saved;
  } catch (err) {
    throw new ScError(ErrorCode.USAGE, `cannot read --from ${path}: ${(err as Error).message}`);
  }
  const { ids, results } = saved;
  if (!Array.isArray(ids) || !Array.isArray(results) || ids.length !== results.length) {
    throw new ScError(ErrorCode.USAGE, `--from ${path} is not a runs.json written by scattercast sim figures`);
  }
  return { byId: new Map(ids.map((id, i) => [String(id), results[i] as ScenarioResult])), wallS: Number(saved.wallS) || 0 };
}

/** Every GraphML map in `dir`, with the SCXs to place on it: min(100, routers / 2). */
function mapsOf(dir: string): Array<{ path: string; scx: number }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphml'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const routers = loadUnderlay(path, { routers: 0, rng: new Random(0) }).nodeCount;
      return { path, scx: Math.min(100, Math.floor(routers / 2)) };
    });
}

