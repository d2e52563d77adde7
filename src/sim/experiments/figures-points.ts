import type { ProfileName } from '../../gossamer/profiles.ts';
import type { Series } from '../../report/chart.ts';
import type { ScenarioResult } from '../scenario.ts';
import { describe, median, meanPoint, PROFILE_LABEL, row, type Figure, type Results } from './figure.ts';
import { DISCOVERY_VARIANTS, STANDARD_SCX } from './plan.ts';

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

/** One metric against session size (Figs. 9, 10, 12), with optional reference curves and extra series. */
function versusSize(
  results: Results,
  profiles: readonly ProfileName[],
  sizes: readonly number[],
  metric: (r: ScenarioResult) => number,
  references: ReadonlyArray<{ name: string; metric: (r: ScenarioResult) => number }> = [],
  extra: ReadonlyArray<{ name: string; runsAt: (scx: number) => ScenarioResult[]; metric: (r: ScenarioResult) => number }> = [],
): { series: Series[]; rows: Array<Array<string | number | null>> } {
  const series: Series[] = [];
  const rows: Array<Array<string | number | null>> = [];
  const curve = (name: string, runsAt: (scx: number) => ScenarioResult[], m: (r: ScenarioResult) => number, dashed: boolean): void => {
    const points = sizes.flatMap((scx) => {
      const p = meanPoint(scx, runsAt(scx).map(m));
      if (p) rows.push([name, scx, p.y, p.lo, p.hi]);
      return p ? [p] : [];
    });
    if (points.length > 0) series.push({ name, points, dashed });
  };
  for (const p of profiles) curve(`Gossamer (${PROFILE_LABEL[p]})`, (scx) => results.of('size', p, scx), metric, false);
  for (const e of extra) curve(e.name, e.runsAt, e.metric, true);
  for (const ref of references) curve(ref.name, (scx) => results.of('size', profiles[0] as ProfileName, scx), ref.metric, true);
  return { series, rows };
}

/** The paper's band for the cost ratio of most sessions up to 350 SCXs (section 6.4.2), drawn on Fig. 10. */
export const PAPER_COST_BAND = [1.6, 1.9] as const;
/** The paper's typical cost ratio at 100 SCXs and <3,4> (section 6.3.1), drawn on Fig. 11 at that degree. */
export const PAPER_COST_TYPICAL = [1.65, 1.75] as const;

/** Figs. 9, 10 and 12: discovery, cost ratio and stability against session size. */
export function figuresVersusSize(results: Results, profiles: readonly ProfileName[], sizes: readonly number[], capS: number): Figure[] {
  const header = ['series', 'scx', 'mean', 'lo95', 'hi95'];
  const bySize = (metric: string, paper: string, m: (r: ScenarioResult) => number, digits: number) =>
    sizes.map((scx) => row(`${metric}, ${scx} SCXs`, scx === STANDARD_SCX ? paper : '', profiles, (p) => describe(results.of('size', p, scx).map(m), digits)));
  const d90 = (r: ScenarioResult): number => r.discovery90AtS ?? Number.NaN;
  const variants = profiles.includes('paper') ? DISCOVERY_VARIANTS.filter((v) => sizes.some((scx) => results.of('discovery', 'paper', `${v.id}@${scx}`).length > 0)) : [];
  const variantRuns = (id: string) => (scx: number): ScenarioResult[] => results.of('discovery', 'paper', `${id}@${scx}`);
  const fig9 = versusSize(results, profiles, sizes, d90, [], variants.map((v) => ({ name: `paper profile with ${v.label}`, runsAt: variantRuns(v.id), metric: d90 })));
  const refs = [
    { name: 'centralised tree, degree k1+k2', metric: (r: ScenarioResult) => r.referenceCostRatio },
    { name: 'centralised tree, degree k2', metric: (r: ScenarioResult) => r.referenceCostRatioDegreeK2 },
  ];
  // Runs past the default cap also say how they stood at it: the paper profile's cost ratio then, beside its last.
  const snapshotAt = results.of('size', 'paper', sizes.at(-1) ?? STANDARD_SCX)[0]?.snapshot?.atS;
  const atCap = (r: ScenarioResult): number => r.snapshot?.costRatio ?? Number.NaN;
  const capSeries = profiles.includes('paper') && snapshotAt !== undefined
    ? [{ name: `Gossamer (paper profile) at ${snapshotAt} s`, runsAt: (scx: number) => results.of('size', 'paper', scx), metric: atCap }]
    : [];
  const fig10 = versusSize(results, profiles, sizes, (r) => r.costRatio, refs, capSeries);
  const t90 = (r: ScenarioResult): number => r.edgeChanges90AtS ?? Number.NaN;
  const fig12 = versusSize(results, profiles, sizes, (r) => r.stableAtS, [], profiles.map((p) => ({ name: `90% of changes (${PROFILE_LABEL[p]})`, runsAt: (scx: number) => results.of('size', p, scx), metric: t90 })));
  const stableRuns = (p: ProfileName, scx: number): string => {
    const runs = results.of('size', p, scx);
    return `${runs.filter((r) => r.stable).length}/${runs.length}`;
  };
  // How much of the paper profile's gap to the paper's band closes between the default cap and the end of the run.
  const large = sizes.filter((scx) => scx > STANDARD_SCX);
  const gap = snapshotAt === undefined || !profiles.includes('paper') ? '' : large.map((scx) => {
    const runs = results.of('size', 'paper', scx);
    const before = median(runs.map(atCap));
    const after = median(runs.map((r) => r.costRatio));
    const stable = runs.filter((r) => r.stable).length;
    const ends = stable === runs.length
      ? runs.length === 1 ? 'the run went on until stable' : `all ${runs.length} runs went on until stable`
      : `${stable} of ${runs.length} runs stable, the others stopped at the ${capS}-s cap`;
    const each = runs.length <= 5 ? `; seed by seed ${runs.map((r) => `${(r.snapshot?.costRatio ?? Number.NaN).toFixed(2)} then ${r.costRatio.toFixed(2)}`).join(', ')}` : '';
    return `at ${scx} SCXs ${before.toFixed(2)} at ${snapshotAt} s and ${after.toFixed(2)} at the end (${ends}${each}), ${(before - after).toFixed(2)} lower`;
  }).join('; ');
  return [
    {
      id: 'fig09-discovery-vs-size',
      title: 'Fig. 9: time until every SCX knows >= 90% of the others, vs session size',
      chart: { kind: 'line', title: 'Fig. 9: time to 90% discovery vs session size (mean, 95% CI)', xLabel: 'SCXs in the session', yLabel: 'time (s)', series: fig9.series, points: true },
      csv: { header, rows: fig9.rows },
      table: [
        ...bySize('90% discovery (s)', 'within 20', d90, 0),
        ...variants.flatMap((v) => sizes.map((scx) => row(`90% discovery (s), ${scx} SCXs, ${v.label}`, scx === STANDARD_SCX && v.id === 'literal' ? 'within 20' : '', ['paper'], () => describe(variantRuns(v.id)(scx).map(d90), 0)))),
      ],
      note: '',
    },
    {
      id: 'fig10-cost-ratio-vs-size',
      title: 'Fig. 10: cost ratio vs session size',
      chart: {
        kind: 'line',
        title: 'Fig. 10: cost ratio C/C_mcast vs session size (mean, 95% CI)',
        xLabel: 'SCXs in the session',
        yLabel: 'cost ratio',
        series: fig10.series,
        references: [
          { name: 'IP multicast (and unicast star latency)', y: 1 },
          { name: `the paper: ${PAPER_COST_BAND[0]}-${PAPER_COST_BAND[1]} for most sessions (low)`, y: PAPER_COST_BAND[0] },
          { name: `the paper: ${PAPER_COST_BAND[0]}-${PAPER_COST_BAND[1]} for most sessions (high)`, y: PAPER_COST_BAND[1] },
        ],
        points: true,
      },
      csv: { header, rows: fig10.rows },
      table: [
        ...sizes.map((scx) =>
          row(`cost ratio, ${scx} SCXs`, scx === STANDARD_SCX ? '1.65-1.75' : scx >= 50 ? '1.6-1.9 for most' : 'lower', profiles, (p) => describe(results.of('size', p, scx).map((r) => r.costRatio)),
            `tree k1+k2: ${describe(results.of('size', profiles[0] as ProfileName, scx).map((r) => r.referenceCostRatio))}; tree k2: ${describe(results.of('size', profiles[0] as ProfileName, scx).map((r) => r.referenceCostRatioDegreeK2))}`),
        ),
        ...(capSeries.length === 0 ? [] : large.map((scx) => row(`cost ratio at ${snapshotAt} s, ${scx} SCXs`, '', ['paper'], () => describe(results.of('size', 'paper', scx).map(atCap))))),
      ],
      note: gap === '' ? '' : `The paper profile's median cost ratio: ${gap}.`,
    },
    {
      id: 'fig12-stability-vs-size',
      title: 'Fig. 12: time to stability vs session size',
      chart: { kind: 'line', title: 'Fig. 12: time of the last mesh change, and of 90% of the changes, vs session size (mean, 95% CI)', xLabel: 'SCXs in the session', yLabel: 'time (s)', series: fig12.series, points: true },
      csv: { header, rows: fig12.rows },
      table: [
        ...bySize('last mesh change (s)', 'not in the text', (r) => r.stableAtS, 0),
        ...bySize('90% of the edge changes made by (s)', '~300 (Fig. 7)', t90, 0),
        ...sizes.map((scx) => row(`runs stable before the ${capS}-s cap, ${scx} SCXs`, '', profiles, (p) => stableRuns(p, scx))),
      ],
      note: '',
    },
  ];
}

/** Fig. 11: cost ratio vs degree <k1,k2> at 100 SCXs (the <3,4> point is the standard runs), with the paper's typical band. */
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
  // The paper gives no values for its Fig. 11 in the text: its typical 100-SCX band at <3,4>, drawn at that degree.
  const [lo, hi] = PAPER_COST_TYPICAL;
  const paperName = `the paper at <3,4>: ${lo}-${hi} typical`;
  series.push({ name: paperName, points: [{ x: 7, y: (lo + hi) / 2, lo, hi }] });
  rows.push([paperName, '<3,4>', 7, (lo + hi) / 2, lo, hi]);
  return {
    id: 'fig11-cost-ratio-vs-degree',
    title: 'Fig. 11: cost ratio vs degree <k1,k2> (100 SCXs)',
    chart: { kind: 'line', title: 'Fig. 11: cost ratio vs total degree k1+k2 (<2,3> ... , 100 SCXs)', xLabel: 'k1 + k2', yLabel: 'cost ratio', series, references: [{ name: 'IP multicast', y: 1 }], points: true },
    csv: { header: ['series', 'degree', 'k1_plus_k2', 'mean', 'lo95', 'hi95'], rows },
    table: degrees.map(([k1, k2]) =>
      row(`cost ratio, <${k1},${k2}>`, k1 === 3 && k2 === 4 ? '1.65-1.75 typical' : 'falls with degree towards 1.0', profiles, (p) => describe(runsAt(p, k1, k2).map((r) => r.costRatio)),
        `tree k1+k2: ${describe(runsAt(base, k1, k2).map((r) => r.referenceCostRatio))}; tree k2: ${describe(runsAt(base, k1, k2).map((r) => r.referenceCostRatioDegreeK2))}`),
    ),
    note: '',
  };
}
