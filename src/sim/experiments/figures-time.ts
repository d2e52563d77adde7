import type { ProfileName } from '../../gossamer/profiles.ts';
import type { Series } from '../../report/chart.ts';
import { at, describe, meanPoint, PROFILE_LABEL, row, type Figure, type Results } from './figure.ts';
import { STANDARD_SCX } from './plan.ts';

/** Fig. 5: share of SCXs that know at least 90% of the others, and all of them, over time. */
export function fig05(results: Results, profiles: readonly ProfileName[]): Figure {
  const horizonS = 120;
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  for (const profile of profiles) {
    const runs = results.of('size', profile, STANDARD_SCX);
    for (const [key, label] of [['discovered90Share', '>= 90% known'], ['discoveredAllShare', 'all known']] as const) {
      const points = [];
      for (let t = 0; t <= horizonS; t++) {
        const ys = runs.map((r) => (r.series ? (at(r.series, t)?.[key] ?? 0) : Number.NaN));
        const p = meanPoint(t, ys);
        if (p) {
          points.push(p);
          rows.push([profile, label, t, p.y, p.lo, p.hi]);
        }
      }
      series.push({ name: `${label} (${PROFILE_LABEL[profile]})`, points, dashed: key === 'discoveredAllShare' });
    }
  }
  const share60 = (profile: ProfileName): string =>
    describe(results.of('size', profile, STANDARD_SCX).map((r) => (r.series ? (at(r.series, 60)?.discoveredAllShare ?? 0) * 100 : Number.NaN)), 0);
  return {
    id: 'fig05-discovery',
    title: 'Fig. 5: SCXs that know >= 90% / all of the others, over time (100 SCXs)',
    chart: { kind: 'line', title: 'Fig. 5: share of SCXs that discovered 90% / all others (100 SCXs, mean, 95% CI)', xLabel: 'time (s)', yLabel: 'share of SCXs', series, yDomain: [0, 1] },
    csv: { header: ['profile', 'series', 'time_s', 'mean_share', 'lo95', 'hi95'], rows },
    table: [
      row('every SCX knows >= 90% (s)', 'within 20', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.discovery90AtS ?? Number.NaN), 0)),
      row('every SCX knows all (s)', 'within ~120', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.discoveryAllAtS ?? Number.NaN), 0)),
      row('SCXs knowing all at 60 s (%)', 'over 85', profiles, share60),
    ],
    note: '',
  };
}

/** Fig. 6: cost ratio over time of each of 5 sources in one session. */
export function fig06(results: Results, profiles: readonly ProfileName[]): Figure {
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const finals: Partial<Record<ProfileName, string>> = {};
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
    // When every source's ratio last moved by more than 2% of its final value.
    const lastMove = run.costRatioPerSource.map((final, k) => {
      let t = 0;
      for (const s of run.series ?? []) if (!(Math.abs((s.costRatios[k] as number) - final) <= 0.02 * final)) t = s.atS;
      return t;
    });
    settled[profile] = `${Math.max(...lastMove)}`;
  }
  return {
    id: 'fig06-cost-ratio-time',
    title: 'Fig. 6: cost ratio over time, 5 sources in one session (100 SCXs, seed 1)',
    chart: { kind: 'line', title: 'Fig. 6: cost ratio C/C_mcast over time, 5 sources (100 SCXs, seed 1)', xLabel: 'time (s)', yLabel: 'cost ratio', series, references: [{ name: 'IP multicast', y: 1 }] },
    csv: { header: ['profile', 'source', 'time_s', 'cost_ratio'], rows },
    table: [
      { metric: 'final cost ratio per source', paper: '1.65-1.75 typical', ours: finals, reference: 'IP multicast 1.00' },
      { metric: 'all within 2% of final by (s)', paper: '~300', ours: settled, reference: '' },
    ],
    note: '',
  };
}

/** Fig. 7: cumulative mesh edge changes per SCX over time. */
export function fig07(results: Results, profiles: readonly ProfileName[]): Figure {
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const horizonS = Math.min(1200, Math.max(0, ...profiles.flatMap((p) => results.of('size', p, STANDARD_SCX).map((r) => r.endAtS))));
  for (const profile of profiles) {
    const runs = results.of('size', profile, STANDARD_SCX);
    const points = [];
    for (let t = 0; t <= horizonS; t += 5) {
      const p = meanPoint(t, runs.map((r) => (r.series ? (at(r.series, t)?.edgeChangesPerNode ?? 0) : Number.NaN)));
      if (p) {
        points.push(p);
        rows.push([profile, t, p.y, p.lo, p.hi]);
      }
    }
    series.push({ name: PROFILE_LABEL[profile], points });
  }
  return {
    id: 'fig07-edge-changes',
    title: 'Fig. 7: cumulative mesh edge changes per SCX over time (100 SCXs)',
    chart: { kind: 'line', title: 'Fig. 7: cumulative edge changes per SCX (100 SCXs, mean, 95% CI)', xLabel: 'time (s)', yLabel: 'edge changes per SCX', series },
    csv: { header: ['profile', 'time_s', 'mean_changes', 'lo95', 'hi95'], rows },
    table: [
      row('edge changes per SCX, total', 'most early; flat by ~300 s', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.edgeChangesPerNode), 1)),
      row('last mesh change (s)', '~300', profiles, (p) => describe(results.of('size', p, STANDARD_SCX).map((r) => r.stableAtS), 0)),
    ],
    note: '',
  };
}
