import type { ProfileName } from '../../gossamer/profiles.ts';
import type { Series } from '../../report/chart.ts';
import type { ScenarioResult } from '../scenario.ts';
import { at, describe, median, meanPoint, PROFILE_LABEL, row, type Figure, type Results } from './figure.ts';
import { DISCOVERY_VARIANTS, STANDARD_SCX } from './plan.ts';

/**
 * Fig. 5: share of SCXs that know at least 90% of the others, and all of them, over time; with the paper
 * profile's discovery variants (list bound, plain random answer) beside it, where they were run.
 */
export function fig05(results: Results, profiles: readonly ProfileName[]): Figure {
  const horizonS = 120;
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const curve = (runs: readonly ScenarioResult[], key: 'discovered90Share' | 'discoveredAllShare', csvProfile: string, label: string, name: string, dashed: boolean): void => {
    const points = [];
    for (let t = 0; t <= horizonS; t++) {
      const ys = runs.map((r) => (r.series ? (at(r.series, t)?.[key] ?? 0) : Number.NaN));
      const p = meanPoint(t, ys);
      if (p) {
        points.push(p);
        rows.push([csvProfile, label, t, p.y, p.lo, p.hi]);
      }
    }
    series.push({ name, points, dashed });
  };
  for (const profile of profiles) {
    const runs = results.of('size', profile, STANDARD_SCX);
    for (const [key, label] of [['discovered90Share', '>= 90% known'], ['discoveredAllShare', 'all known']] as const) {
      curve(runs, key, profile, label, `${label} (${PROFILE_LABEL[profile]})`, key === 'discoveredAllShare');
    }
  }
  const variants = profiles.includes('paper') ? DISCOVERY_VARIANTS.filter((v) => results.of('discovery', 'paper', `${v.id}@${STANDARD_SCX}`).length > 0) : [];
  const variantRuns = (id: string): ScenarioResult[] => results.of('discovery', 'paper', `${id}@${STANDARD_SCX}`);
  for (const v of variants) curve(variantRuns(v.id), 'discovered90Share', `paper (${v.label})`, '>= 90% known', `>= 90% (paper, ${v.label})`, true);
  const share60 = (profile: ProfileName): string =>
    describe(results.of('size', profile, STANDARD_SCX).map((r) => (r.series ? (at(r.series, 60)?.discoveredAllShare ?? 0) * 100 : Number.NaN)), 0);
  const d90 = (r: ScenarioResult): number => r.discovery90AtS ?? Number.NaN;
  const m = (runs: readonly ScenarioResult[]): string => median(runs.map(d90)).toFixed(0);
  const paperRuns = results.of('size', 'paper', STANDARD_SCX);
  const note = variants.length === 0 || paperRuns.length === 0 ? '' :
    `Medians at 100 SCXs: the paper profile (bound 30, answers without what the asker just sent) ${m(paperRuns)} s; ` +
    variants.map((v) => `${v.label} ${m(variantRuns(v.id))} s`).join('; ') + ' (the paper: within 20 s).';
  return {
    id: 'fig05-discovery',
    title: 'Fig. 5: SCXs that know >= 90% / all of the others, over time (100 SCXs)',
    chart: { kind: 'line', title: 'Fig. 5: share of SCXs that discovered 90% / all others (100 SCXs, mean, 95% CI)', xLabel: 'time (s)', yLabel: 'share of SCXs', series, yDomain: [0, 1] },
    csv: { header: ['profile', 'series', 'time_s', 'mean_share', 'lo95', 'hi95'], rows },
    table: [
      row('every SCX knows >= 90% (s)', 'within 20', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.discovery90AtS ?? Number.NaN), 0)),
      row('every SCX knows all (s)', 'within ~120', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.discoveryAllAtS ?? Number.NaN), 0)),
      row('SCXs knowing all at 60 s (%)', 'over 85', profiles, share60),
      ...variants.map((v) => row(`every SCX knows >= 90% (s), ${v.label}`, v.id === 'literal' ? 'within 20 (bound 30)' : '', ['paper'], () => describe(variantRuns(v.id).map(d90), 0))),
    ],
    note,
  };
}

/** When every source's cost ratio in `run` was last further than `fraction` of its final value from it, s. */
function settledAtS(run: ScenarioResult, fraction: number): number {
  const lastMove = run.costRatioPerSource.map((final, k) => {
    let t = 0;
    for (const s of run.series ?? []) if (!(Math.abs((s.costRatios[k] as number) - final) <= fraction * final)) t = s.atS;
    return t;
  });
  return Math.max(...lastMove);
}

/** Fig. 6: cost ratio over time of each of 5 sources in one session. */
export function fig06(results: Results, profiles: readonly ProfileName[]): Figure {
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const finals: Partial<Record<ProfileName, string>> = {};
  const mostly: Partial<Record<ProfileName, string>> = {};
  const settled: Partial<Record<ProfileName, string>> = {};
  for (const profile of profiles) {
    const run = results.of('sources', profile, 5)[0];
    if (!run?.series) continue;
    const sources = run.costRatioPerSource.length;
    for (let k = 0; k < sources; k++) {
      const points = run.series.filter((s) => Number.isFinite(s.costRatios[k] as number)).map((s) => ({ x: s.atS, y: s.costRatios[k] as number }));
      for (const p of points) rows.push([profile, k + 1, p.x, p.y]);
      series.push({ name: `source ${k + 1} (${PROFILE_LABEL[profile]})`, points, dashed: profile !== profiles[0] });
    }
    finals[profile] = run.costRatioPerSource.map((r) => r.toFixed(2)).join(', ');
    // When every source's ratio was last further than 10% (the paper's "mostly stabilize") or 2% from its final value.
    mostly[profile] = `${settledAtS(run, 0.1)}`;
    settled[profile] = `${settledAtS(run, 0.02)}`;
  }
  return {
    id: 'fig06-cost-ratio-time',
    title: 'Fig. 6: cost ratio over time, 5 sources in one session (100 SCXs, seed 1)',
    chart: { kind: 'line', title: 'Fig. 6: cost ratio C/C_mcast over time, 5 sources (100 SCXs, seed 1)', xLabel: 'time (s)', yLabel: 'cost ratio', series, references: [{ name: 'IP multicast', y: 1 }] },
    csv: { header: ['profile', 'source', 'time_s', 'cost_ratio'], rows },
    table: [
      { metric: 'final cost ratio per source', paper: '1.65-1.75 typical', ours: finals, reference: 'IP multicast 1.00' },
      { metric: 'all within 10% of final by (s)', paper: '~300 ("mostly stabilize")', ours: mostly, reference: '' },
      { metric: 'all within 2% of final by (s)', paper: '', ours: settled, reference: 'stricter than the text' },
    ],
    note: '',
  };
}

/** Fig. 7: cumulative mesh edge changes per SCX over time, with the median time each profile made 90% of them. */
export function fig07(results: Results, profiles: readonly ProfileName[]): Figure {
  const series: Series[] = [];
  const marks: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const horizonS = Math.max(0, ...profiles.flatMap((p) => results.of('size', p, STANDARD_SCX).map((r) => r.endAtS)));
  const t90 = (r: ScenarioResult): number => r.edgeChanges90AtS ?? Number.NaN;
  const curve90: Partial<Record<ProfileName, string>> = {};
  for (const profile of profiles) {
    const runs = results.of('size', profile, STANDARD_SCX);
    const mark = median(runs.map(t90));
    const points = [];
    for (let t = 0; t <= horizonS; t += 5) {
      const p = meanPoint(t, runs.map((r) => (r.series ? (at(r.series, t)?.edgeChangesPerNode ?? 0) : Number.NaN)));
      if (p) {
        points.push(p);
        rows.push([profile, t, p.y, p.lo, p.hi, Number.isFinite(mark) ? mark : null]);
      }
    }
    series.push({ name: PROFILE_LABEL[profile], points });
    // The same reading on the mean curve (as one would read it off the plot): where it reaches 90% of its last value.
    const last = points.at(-1)?.y;
    const cross = last === undefined ? undefined : points.find((p) => p.y >= 0.9 * last);
    curve90[profile] = cross === undefined ? 'n/a' : String(cross.x);
    const top = Math.max(0, ...points.map((p) => p.hi ?? p.y));
    if (Number.isFinite(mark)) marks.push({ name: `${PROFILE_LABEL[profile]}: 90% of changes (median)`, points: [{ x: mark, y: 0 }, { x: mark, y: top }], dashed: true });
  }
  return {
    id: 'fig07-edge-changes',
    title: 'Fig. 7: cumulative mesh edge changes per SCX over time (100 SCXs)',
    chart: { kind: 'line', title: 'Fig. 7: cumulative edge changes per SCX (100 SCXs, mean, 95% CI)', xLabel: 'time (s)', yLabel: 'edge changes per SCX', series: [...series, ...marks] },
    csv: { header: ['profile', 'time_s', 'mean_changes', 'lo95', 'hi95', 'median_90pct_changes_at_s'], rows },
    table: [
      row('edge changes per SCX, total', 'most early', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.edgeChangesPerNode), 1)),
      row('90% of the edge changes made by (s), per run', '~300 ("almost its final structure")', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map(t90), 0)),
      { metric: 'mean curve at 90% of its last value (s)', paper: '~300', ours: curve90, reference: '' },
      row('last mesh change (s)', 'not in the text', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.stableAtS), 0)),
    ],
    note: '',
  };
}
