import type { ProfileName } from '../../gossamer/profiles.ts';
import type { Series } from '../../report/chart.ts';
import type { ScenarioResult } from '../scenario.ts';
import { describe, meanPoint, PROFILE_LABEL, row, type Figure, type Results } from './figure.ts';
import { STANDARD_SCX } from './plan.ts';

/** Fig. 8: how many physical links carry k copies of one packet: Gossamer trees vs a unicast star (seed 1). */
export function fig08(results: Results, profiles: readonly ProfileName[]): Figure {
  const first = (p: ProfileName): ScenarioResult | undefined => results.of('size', p, STANDARD_SCX)[0];
  const all = (p: ProfileName): ScenarioResult[] => results.of('size', p, STANDARD_SCX);
  const unicast = all(profiles[0] as ProfileName)[0]?.linkCopiesHistogram?.unicast ?? [];
  // Every copy count from 1 to the unicast star's worst gets a slot, so the x axis reads as a scale.
  const bars = (histogram: readonly number[]): Array<{ x: number; y: number }> =>
    Array.from({ length: Math.max(0, unicast.length - 1) }, (_, i) => ({ x: i + 1, y: histogram[i + 1] ?? 0 }));
  const series = profiles.flatMap((p) => {
    const h = first(p)?.linkCopiesHistogram;
    return h ? [{ name: `Gossamer (${PROFILE_LABEL[p]})`, bars: bars(h.gossamer) }] : [];
  });
  series.push({ name: 'unicast star', bars: bars(unicast) });
  const rows = series.flatMap((s) => s.bars.filter((b) => b.y > 0).map((b) => [s.name, b.x, b.y] as Array<string | number | null>));
  return {
    id: 'fig08-link-copies',
    title: 'Fig. 8: physical links by copies of one packet they carry (100 SCXs, seed 1)',
    chart: { kind: 'bars', title: 'Fig. 8: links carrying k copies of a packet (100 SCXs, seed 1)', xLabel: 'copies on the link', yLabel: 'links', series, yScale: 'log' },
    csv: { header: ['series', 'copies', 'links'], rows },
    table: [
      row('worst link, copies (all runs)', '14', profiles, (p) => describe(all(p).map((r) => r.maxLinkCopies), 0), `unicast star: ${describe(all(profiles[0] as ProfileName).map((r) => r.unicastMaxLinkCopies), 0)} (paper: 95+)`),
      row('links carrying one copy (seed 1)', '153', profiles, (p) => String(first(p)?.linkCopiesHistogram?.gossamer[1] ?? 'n/a'), `unicast star: ${unicast[1] ?? 'n/a'} (paper: 177)`),
    ],
    note: '',
  };
}

/** One metric against session size (Figs. 9, 10, 12), with optional reference curves. */
function versusSize(
  results: Results,
  profiles: readonly ProfileName[],
  sizes: readonly number[],
  metric: (r: ScenarioResult) => number,
  references: ReadonlyArray<{ name: string; metric: (r: ScenarioResult) => number }> = [],
): { series: Series[]; rows: Array<Array<string | number | null>> } {
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const curve = (name: string, runsAt: (scx: number) => ScenarioResult[], m: (r: ScenarioResult) => number, dashed: boolean): void => {
    const points = sizes.flatMap((scx) => {
      const p = meanPoint(scx, runsAt(scx).map(m));
      if (p) rows.push([name, scx, p.y, p.lo, p.hi]);
      return p ? [p] : [];
    });
    series.push({ name, points, dashed });
  };
  for (const p of profiles) curve(`Gossamer (${PROFILE_LABEL[p]})`, (scx) => results.of('size', p, scx), metric, false);
  for (const ref of references) curve(ref.name, (scx) => results.of('size', profiles[0] as ProfileName, scx), ref.metric, true);
  return { series, rows };
}

/** Figs. 9, 10 and 12: discovery, cost ratio and stability against session size. */
export function figuresVersusSize(results: Results, profiles: readonly ProfileName[], sizes: readonly number[]): Figure[] {
  const header = ['series', 'scx', 'mean', 'lo95', 'hi95'];
  const bySize = (metric: string, paper: string, m: (r: ScenarioResult) => number, digits: number) =>
    sizes.map((scx) => row(`${metric}, ${scx} SCXs`, scx === STANDARD_SCX ? paper : '', profiles, (p) => describe(results.of('size', p, scx).map(m), digits)));
  const d90 = (r: ScenarioResult): number => r.discovery90AtS ?? Number.NaN;
  const fig9 = versusSize(results, profiles, sizes, d90);
  const refs = [
    { name: 'centralised tree, degree k1+k2', metric: (r: ScenarioResult) => r.referenceCostRatio },
    { name: 'centralised tree, degree k2', metric: (r: ScenarioResult) => r.referenceCostRatioDegreeK2 },
  ];
  const fig10 = versusSize(results, profiles, sizes, (r) => r.costRatio, refs);
  const fig12 = versusSize(results, profiles, sizes, (r) => r.stableAtS);
  const stableRuns = (p: ProfileName, scx: number): string => {
    const runs = results.of('size', p, scx);
    return `${runs.filter((r) => r.stable).length}/${runs.length}`;
  };
  return [
    {
      id: 'fig09-discovery-vs-size',
      title: 'Fig. 9: time until every SCX knows >= 90% of the others, vs session size',
      chart: { kind: 'line', title: 'Fig. 9: time to 90% discovery vs session size (mean, 95% CI)', xLabel: 'SCXs in the session', yLabel: 'time (s)', series: fig9.series, points: true },
      csv: { header, rows: fig9.rows },
      table: bySize('90% discovery (s)', 'within 20', d90, 0),
      note: '',
    },
    {
      id: 'fig10-cost-ratio-vs-size',
      title: 'Fig. 10: cost ratio vs session size',
      chart: { kind: 'line', title: 'Fig. 10: cost ratio C/C_mcast vs session size (mean, 95% CI)', xLabel: 'SCXs in the session', yLabel: 'cost ratio', series: fig10.series, references: [{ name: 'IP multicast (and unicast star latency)', y: 1 }], points: true },
      csv: { header, rows: fig10.rows },
      table: sizes.map((scx) =>
        row(`cost ratio, ${scx} SCXs`, scx === STANDARD_SCX ? '1.65-1.75' : scx >= 50 ? '1.6-1.9 for most' : 'lower', profiles, (p) => describe(results.of('size', p, scx).map((r) => r.costRatio)),
          `tree k1+k2: ${describe(results.of('size', profiles[0] as ProfileName, scx).map((r) => r.referenceCostRatio))}; tree k2: ${describe(results.of('size', profiles[0] as ProfileName, scx).map((r) => r.referenceCostRatioDegreeK2))}`),
      ),
      note: '',
    },
    {
      id: 'fig12-stability-vs-size',
      title: 'Fig. 12: time to stability vs session size',
      chart: { kind: 'line', title: 'Fig. 12: time of the last mesh change vs session size (mean, 95% CI)', xLabel: 'SCXs in the session', yLabel: 'time (s)', series: fig12.series, points: true },
      csv: { header, rows: fig12.rows },
      table: [
        ...bySize('last mesh change (s)', '~300', (r) => r.stableAtS, 0),
        ...sizes.map((scx) => row(`runs stable before the cap, ${scx} SCXs`, '', profiles, (p) => stableRuns(p, scx))),
      ],
      note: '',
    },
  ];
}

/** Fig. 11: cost ratio vs degree <k1,k2> at 100 SCXs (the <3,4> point is the standard runs). */
export function fig11(results: Results, profiles: readonly ProfileName[], degrees: ReadonlyArray<readonly [number, number]>): Figure {
  const runsAt = (p: ProfileName, k1: number, k2: number): ScenarioResult[] =>
    k1 === 3 && k2 === 4 ? results.of('size', p, STANDARD_SCX) : results.of('degree', p, `${k1},${k2}`);
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const curve = (name: string, p: ProfileName, m: (r: ScenarioResult) => number, dashed: boolean): void => {
    const points = degrees.flatMap(([k1, k2]) => {
      const pt = meanPoint(k1 + k2, runsAt(p, k1, k2).map(m));
      if (pt) rows.push([name, `<${k1},${k2}>`, k1 + k2, pt.y, pt.lo, pt.hi]);
      return pt ? [pt] : [];
    });
    series.push({ name, points, dashed });
  };
  for (const p of profiles) curve(`Gossamer (${PROFILE_LABEL[p]})`, p, (r) => r.costRatio, false);
  const base = profiles[0] as ProfileName;
  curve('centralised tree, degree k1+k2', base, (r) => r.referenceCostRatio, true);
  curve('centralised tree, degree k2', base, (r) => r.referenceCostRatioDegreeK2, true);
  return {
    id: 'fig11-cost-ratio-vs-degree',
    title: 'Fig. 11: cost ratio vs degree <k1,k2> (100 SCXs)',
    chart: { kind: 'line', title: 'Fig. 11: cost ratio vs total degree k1+k2 (<2,3> ... , 100 SCXs)', xLabel: 'k1 + k2', yLabel: 'cost ratio', series, references: [{ name: 'IP multicast', y: 1 }], points: true },
    csv: { header: ['series', 'degree', 'k1_plus_k2', 'mean', 'lo95', 'hi95'], rows },
    table: degrees.map(([k1, k2]) =>
      row(`cost ratio, <${k1},${k2}>`, 'falls with degree towards 1.0', profiles, (p) => describe(runsAt(p, k1, k2).map((r) => r.costRatio)),
        `tree k1+k2: ${describe(runsAt(base, k1, k2).map((r) => r.referenceCostRatio))}`),
    ),
    note: '',
  };
}
