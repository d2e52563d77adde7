import type { ProfileName } from '../../gossamer/profiles.ts';
import type { Chart } from '../../report/chart.ts';
import { medianCi95, summarise } from '../../report/stats.ts';
import type { ScenarioResult } from '../scenario.ts';
import type { PlannedJob } from './plan.ts';

/** One row of a figure's table in REPORT.md. */
export interface TableRow {
  readonly metric: string;
  /** What the paper reports. */
  readonly paper: string;
  /** Ours, per profile. */
  readonly ours: Partial<Record<ProfileName, string>>;
  /** References (IP multicast, unicast star, centralised tree), where they apply. */
  readonly reference: string;
}

/** A figure: its plot, the data behind it, and its table. */
export interface Figure {
  /** File stem, e.g. "fig05-discovery". */
  readonly id: string;
  readonly title: string;
  readonly chart: Chart;
  readonly csv: { readonly header: string[]; readonly rows: Array<Array<string | number | null>> };
  readonly table: readonly TableRow[];
  /** How our numbers compare with the paper's, and why. */
  readonly note: string;
}

/** The finished runs, looked up by experiment, profile and point. */
export class Results {
  private readonly groups = new Map<string, ScenarioResult[]>();

  constructor(jobs: readonly PlannedJob[], results: readonly ScenarioResult[]) {
    jobs.forEach((job, i) => {
      const key = `${job.experiment}|${job.profile}|${job.point}`;
      const list = this.groups.get(key) ?? [];
      list.push(results[i] as ScenarioResult);
      this.groups.set(key, list);
    });
  }

  /** Every run of one point, in seed order. */
  of(experiment: PlannedJob['experiment'], profile: ProfileName, point: string | number): ScenarioResult[] {
    return this.groups.get(`${experiment}|${profile}|${point}`) ?? [];
  }
}

/** Profile names as the plots and tables print them. */
export const PROFILE_LABEL: Record<ProfileName, string> = { paper: 'paper profile', base: 'base profile', tuned: 'tuned profile' };

/** "median [lo, hi]": the median with its distribution-free 95% CI (mean with a t CI below 6 runs). */
export function describe(xs: readonly number[], digits = 2): string {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return 'n/a';
  const f = (x: number): string => x.toFixed(digits);
  const ci = medianCi95(finite);
  const s = summarise(finite);
  if (ci) return `${f(s.median)} [${f(ci.lo)}, ${f(ci.hi)}]`;
  return finite.length === 1 ? f(s.mean) : `${f(s.mean)} [${f(s.lo95)}, ${f(s.hi95)}] (mean)`;
}

/** The median of the finite values (NaN if none). */
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return ((s[Math.floor((s.length - 1) / 2)] as number) + (s[Math.ceil((s.length - 1) / 2)] as number)) / 2;
}

/** A point of a plotted series: the mean with its 95% CI. */
export function meanPoint(x: number, ys: readonly number[]): { x: number; y: number; lo: number; hi: number } | undefined {
  const s = summarise([...ys]);
  if (s.n === 0) return undefined;
  return { x, y: s.mean, lo: s.lo95, hi: s.hi95 };
}

/** The value of a time series at `atS`, carrying the last sample forward past the run's end. */
export function at<T extends { atS: number }>(samples: readonly T[], atS: number): T | undefined {
  let last: T | undefined;
  for (const sample of samples) {
    if (sample.atS > atS) break;
    last = sample;
  }
  return last;
}

/** A table row with one cell per profile. */
export function row(metric: string, paper: string, profiles: readonly ProfileName[], cell: (p: ProfileName) => string, reference = ''): TableRow {
  return { metric, paper, ours: Object.fromEntries(profiles.map((p) => [p, cell(p)])), reference };
}
