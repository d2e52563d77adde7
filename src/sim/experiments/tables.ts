import type { ProfileName } from '../../gossamer/profiles.ts';
import type { ScenarioResult } from '../scenario.ts';
import { describe, median, PROFILE_LABEL, type Results } from './figure.ts';

/** A plain table for REPORT.md. */
export interface Table {
  readonly id: string;
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  readonly note: string;
}

/** The headline measures of a group of runs, in the order of `SUMMARY_HEADER`. */
function summary(runs: readonly ScenarioResult[]): string[] {
  const stable = runs.filter((r) => r.stable).length;
  return [
    describe(runs.map((r) => r.costRatio)),
    describe(runs.map((r) => r.referenceCostRatio)),
    describe(runs.map((r) => r.referenceCostRatioDegreeK2)),
    describe(runs.map((r) => r.discovery90AtS ?? Number.NaN), 0),
    describe(runs.map((r) => r.stableAtS), 0),
    `${stable}/${runs.length}`,
    describe(runs.map((r) => r.controlBytesPerScxPerS), 1),
    describe(runs.map((r) => r.steadyControlBytesPerScxPerS), 1),
  ];
}

const SUMMARY_HEADER = [
  'cost ratio',
  'tree k1+k2',
  'tree k2',
  '90% discovery (s)',
  'last mesh change (s)',
  'stable',
  'control B/s/SCX',
  'steady B/s/SCX',
];

/** The same measures on real ISP maps (Internet Topology Zoo). */
export function realMapsTable(results: Results, profiles: readonly ProfileName[], maps: ReadonlyArray<{ path: string; scx: number }>): Table {
  const rows = maps.flatMap((m) =>
    profiles.map((p) => {
      const runs = results.of('map', p, m.path);
      const name = runs[0]?.topology ?? m.path;
      return [`${name} (${runs[0]?.routers ?? '?'} routers, ${m.scx} SCXs)`, PROFILE_LABEL[p], ...summary(runs)];
    }),
  );
  return {
    id: 'real-maps',
    title: 'Real maps: Internet Topology Zoo GraphML (latency from great-circle distance)',
    header: ['map', 'profile', ...SUMMARY_HEADER],
    rows,
    note: 'Each map keeps its largest connected component; an SCX sits on every other router at most (SCXs = min(100, routers / 2)).',
  };
}

/** Sessions past the paper's sizes on a 10,000-router transit-stub underlay (one run each). */
export function scaleTable(results: Results, profiles: readonly ProfileName[], sizes: readonly number[]): Table {
  const rows = sizes.flatMap((scx) =>
    profiles.flatMap((p) => {
      const runs = results.of('scale', p, scx);
      return runs.length > 0 ? [[`${scx}`, PROFILE_LABEL[p], ...summary(runs), `${Math.round((runs[0]?.wallMs ?? 0) / 1000)} s`]] : [];
    }),
  );
  return {
    id: 'scale',
    title: `Past the paper: ${sizes.length > 0 ? sizes.join(' and ') : 'larger'} SCXs on a 10,000-router transit-stub underlay (seed 1)`,
    header: ['SCXs', 'profile', ...SUMMARY_HEADER, 'wall time'],
    rows,
    note: rows.length === 0 ? 'Not run: pass --scale (it takes far longer than the figures).' : '',
  };
}

/** The tuned profile against the goals it was built for (100 SCXs, <3,4>), and the paper profile beside it. */
export function goalsTable(results: Results, profiles: readonly ProfileName[]): Table {
  const runs = (p: ProfileName): ScenarioResult[] => results.of('size', p, 100);
  const m = (p: ProfileName, f: (r: ScenarioResult) => number): number => median(runs(p).map(f));
  const versus = (value: number, reference: number): string => {
    const pct = Math.round((value / reference - 1) * 100);
    return `${value.toFixed(2)} (${Math.abs(pct)}% ${pct < 0 ? 'below' : 'above'} ${reference.toFixed(2)})`;
  };
  const rows: string[][] = profiles.map((p) => {
    const cost = m(p, (r) => r.costRatio);
    return [
      PROFILE_LABEL[p],
      versus(cost, m(p, (r) => r.referenceCostRatioDegreeK2)),
      versus(cost, m(p, (r) => r.referenceCostRatio)),
      m(p, (r) => r.discovery90AtS ?? Number.NaN).toFixed(0),
      m(p, (r) => r.edgeChanges90AtS ?? Number.NaN).toFixed(0),
      m(p, (r) => r.stableAtS).toFixed(0),
      m(p, (r) => r.steadyControlBytesPerScxPerS).toFixed(1),
      m(p, (r) => r.controlBytesPerScxPerS).toFixed(1),
      (m(p, (r) => r.controlBytesPerScxPerS * r.endAtS) / 1000).toFixed(1),
    ];
  });
  return {
    id: 'goals',
    title: 'At a glance: 100 SCXs, <3,4>, medians over the runs',
    header: [
      'profile',
      'cost ratio (vs tree of degree k2)',
      'vs tree of degree k1+k2',
      '90% discovery (s)',
      '90% of edge changes made (s)',
      'last mesh change (s)',
      'steady control B/s/SCX',
      'control B/s/SCX, whole run',
      'control kB per SCX, whole run',
    ],
    // Only what the paper's text says: it gives no centralised tree and no time of the last mesh change.
    rows: [['the paper', '1.65-1.75 typical', '', 'within 20', '~300 ("almost its final structure")', '', '', '', ''], ...rows],
    note: '',
  };
}
