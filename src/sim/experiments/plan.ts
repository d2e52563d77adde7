import type { GossamerConfig } from '../../gossamer/config.ts';
import { PROFILES, type ProfileName } from '../../gossamer/profiles.ts';
import { DEFAULT_SCENARIO, type ScenarioOptions } from '../scenario.ts';

/** The sections of REPORT.md, in order: the at-a-glance table, Figs. 5-12, then the real-map and scale tables. */
export const SECTIONS = ['goals', 'fig05', 'fig06', 'fig07', 'fig08', 'fig09', 'fig10', 'fig11', 'fig12', 'real-maps', 'scale'] as const;
/** One section of REPORT.md: a figure ("fig05") or a table ("goals", "real-maps", "scale"). */
export type SectionId = (typeof SECTIONS)[number];

/** What `scattercast sim figures` runs. */
export interface FigurePlanOptions {
  /** Runs (seeds 1..runs) per point. */
  readonly runs: number;
  /** Fewer runs and points, same figures: a smoke test. */
  readonly quick: boolean;
  /** Profiles to run, each a series in every figure. */
  readonly profiles: readonly ProfileName[];
  /** GraphML maps for the real-map table, each with the SCXs to place on it. */
  readonly maps: ReadonlyArray<{ readonly path: string; readonly scx: number }>;
  /** Session sizes past the paper's, on a 10,000-router underlay (none: no scale runs). */
  readonly scale: readonly number[];
  /** Runs per point of sessions over 100 SCXs (Figs. 9, 10 and 12); default `runs`. */
  readonly runsLarge?: number;
  /** Runs per point of the degrees of Fig. 11 other than <3,4> (whose runs are the 100-SCX ones); default `runs`. */
  readonly runsDegree?: number;
  /** Time cap of the runs behind Figs. 5-12 and the at-a-glance table, s; real-map and scale runs keep 1200 s. Default 1200. */
  readonly maxTimeS?: number;
  /** Plan only the jobs of these sections (default: every section). */
  readonly only?: readonly SectionId[];
}

/** One simulation to run: which experiment and point it belongs to, and its options. */
export interface PlannedJob {
  readonly id: string;
  readonly experiment: 'size' | 'degree' | 'sources' | 'discovery' | 'map' | 'scale';
  readonly profile: ProfileName;
  /**
   * The point's x value: SCXs (size, scale), "k1,k2" (degree), the map's path (map), 5 (sources), and for the
   * discovery variants "variant@SCXs".
   */
  readonly point: string;
  readonly seed: number;
  readonly options: ScenarioOptions;
}

/** Session sizes of Figs. 9, 10 and 12 (the paper went up to 350). */
export const SIZES = [10, 25, 50, 100, 200, 350] as const;
/** Degrees <k1,k2> of Fig. 11; the last is far past the paper's, where a mesh nears n-way unicast. */
export const DEGREES: ReadonlyArray<readonly [number, number]> = [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7], [10, 11]];
/** Routers of the underlay of the scale runs. */
export const SCALE_ROUTERS = 10000;
/** Default session sizes of `--scale`. */
export const SCALE_SIZES = [1000, 5000] as const;
/** The paper's standard point: 100 SCXs at <3,4>, the source of Figs. 5, 7 and 8. */
export const STANDARD_SCX = 100;
/** Sessions over this many SCXs take `runsLarge` runs per point. */
export const LARGE_SCX = 100;

/**
 * Variants of the paper profile's discovery for Figs. 5 and 9: the list bound (its own runs are the bound-30
 * point), and the paper's plain random answer. These runs end once every SCX knows 90% of the others.
 */
export const DISCOVERY_VARIANTS: ReadonlyArray<{ readonly id: string; readonly label: string; readonly config: (scx: number) => Partial<GossamerConfig> }> = [
  { id: 'bound8', label: 'bound 8', config: () => ({ discoveryBound: 8, discoveryBoundLearning: 8 }) },
  { id: 'unbounded', label: 'unbounded lists', config: (scx) => ({ discoveryBound: scx, discoveryBoundLearning: scx }) },
  { id: 'literal', label: 'plain random answer', config: () => ({ discoveryAnswerSkipsTold: false }) },
];

/** Runs per point: `--quick` caps them at 3. */
export function runsPerPoint(o: Pick<FigurePlanOptions, 'runs' | 'quick'>): number {
  return o.quick ? Math.min(o.runs, 3) : o.runs;
}

/** The SCXs of a size-like point ("100", "bound8@100"). */
export function pointScx(point: string): number {
  return Number(point.slice(point.indexOf('@') + 1));
}

/** Whether section `section` is built from job `j`. */
export function sectionUses(section: SectionId, j: Pick<PlannedJob, 'experiment' | 'point'>): boolean {
  const standard = (j.experiment === 'size' || j.experiment === 'discovery') && pointScx(j.point) === STANDARD_SCX;
  switch (section) {
    case 'goals':
    case 'fig07':
    case 'fig08':
      return j.experiment === 'size' && standard;
    case 'fig05':
      return standard;
    case 'fig06':
      return j.experiment === 'sources';
    case 'fig09':
      return j.experiment === 'size' || j.experiment === 'discovery';
    case 'fig10':
    case 'fig12':
      return j.experiment === 'size';
    case 'fig11':
      return (j.experiment === 'size' && standard) || j.experiment === 'degree';
    case 'real-maps':
      return j.experiment === 'map';
    case 'scale':
      return j.experiment === 'scale';
  }
}

/** Every simulation behind the figures, the report's tables and the scale and real-map runs (or those of `only`). */
export function planFigures(o: FigurePlanOptions): PlannedJob[] {
  const runs = runsPerPoint(o);
  const runsLarge = runsPerPoint({ runs: o.runsLarge ?? o.runs, quick: o.quick });
  const runsDegree = runsPerPoint({ runs: o.runsDegree ?? o.runs, quick: o.quick });
  const maxTimeS = o.maxTimeS ?? DEFAULT_SCENARIO.maxTimeS;
  const sizes = o.quick ? [10, 50, STANDARD_SCX] : SIZES;
  const degrees = o.quick ? DEGREES.filter(([k1]) => k1 === 2 || k1 === 3 || k1 === 5) : DEGREES;
  const seedsFor = (scx: number): number[] => Array.from({ length: scx > LARGE_SCX ? runsLarge : runs }, (_, i) => i + 1);
  // The figures' runs go to `maxTimeS`; past the default cap they also report how they stood at it.
  const capped: Partial<ScenarioOptions> = {
    maxTimeS,
    settleMetrics: true,
    ...(maxTimeS > DEFAULT_SCENARIO.maxTimeS ? { snapshotAtS: DEFAULT_SCENARIO.maxTimeS } : {}),
  };
  const jobs: PlannedJob[] = [];
  const add = (experiment: PlannedJob['experiment'], profile: ProfileName, point: string, seed: number, options: Partial<ScenarioOptions>): void => {
    const config = { ...PROFILES[profile], ...(options.config ?? {}) };
    // A run to another cap is another run: its id says so, so that `--from` never reuses one for the other.
    const cap = options.maxTimeS !== undefined && options.maxTimeS !== DEFAULT_SCENARIO.maxTimeS ? `|cap${options.maxTimeS}` : '';
    jobs.push({ id: `${experiment}|${profile}|${point}|${seed}${cap}`, experiment, profile, point, seed, options: { ...DEFAULT_SCENARIO, ...options, seed, config } });
  };
  for (const profile of o.profiles) {
    for (const scx of sizes) {
      for (const seed of seedsFor(scx)) add('size', profile, String(scx), seed, { ...capped, scx, sampleEveryS: scx === STANDARD_SCX ? 1 : 0 });
    }
    for (let seed = 1; seed <= runsDegree; seed++) {
      for (const [k1, k2] of degrees) if (k1 !== 3 || k2 !== 4) add('degree', profile, `${k1},${k2}`, seed, { ...capped, config: { k1, k2 } });
    }
    if (profile === 'paper') {
      for (const v of DISCOVERY_VARIANTS) {
        for (const scx of sizes) {
          for (const seed of seedsFor(scx)) {
            add('discovery', profile, `${v.id}@${scx}`, seed, {
              scx,
              maxTimeS,
              endOn: 'discovery90',
              sampleEveryS: scx === STANDARD_SCX ? 1 : 0,
              config: v.config(scx),
            });
          }
        }
      }
    }
    for (const seed of seedsFor(STANDARD_SCX)) for (const map of o.maps) add('map', profile, map.path, seed, { topology: map.path, scx: map.scx });
    add('sources', profile, '5', 1, { maxTimeS, sources: 5, sampleEveryS: 5 });
    // Past 1,000 SCXs only the tuned profile: the paper profile runs there to the time cap, for about an hour.
    const scaleSizes = o.scale.filter((scx) => profile === 'tuned' || scx <= 1000);
    if (!o.quick) for (const scx of scaleSizes) add('scale', profile, String(scx), 1, { scx, routers: SCALE_ROUTERS });
  }
  const only = o.only;
  return only === undefined ? jobs : jobs.filter((j) => only.some((s) => sectionUses(s, j)));
}
