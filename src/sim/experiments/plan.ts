import { PROFILES, type ProfileName } from '../../gossamer/profiles.ts';
import { DEFAULT_SCENARIO, type ScenarioOptions } from '../scenario.ts';

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
}

/** One simulation to run: which experiment and point it belongs to, and its options. */
export interface PlannedJob {
  readonly id: string;
  readonly experiment: 'size' | 'degree' | 'sources' | 'map' | 'scale';
  readonly profile: ProfileName;
  /** The point's x value: SCXs (size, scale), "k1,k2" (degree), the map's path (map), 5 (sources). */
  readonly point: string;
  readonly seed: number;
  readonly options: ScenarioOptions;
}

/** Session sizes of Figs. 9, 10 and 12 (the paper went up to 350). */
export const SIZES = [10, 25, 50, 100, 200, 350] as const;
/** Degrees <k1,k2> of Fig. 11. */
export const DEGREES: ReadonlyArray<readonly [number, number]> = [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7]];
/** Routers of the underlay of the scale runs. */
export const SCALE_ROUTERS = 10000;
/** Default session sizes of `--scale`. */
export const SCALE_SIZES = [1000, 5000] as const;
/** The paper's standard point: 100 SCXs at <3,4>, the source of Figs. 5, 7 and 8. */
export const STANDARD_SCX = 100;

/** Runs per point: `--quick` caps them at 3. */
export function runsPerPoint(o: Pick<FigurePlanOptions, 'runs' | 'quick'>): number {
  return o.quick ? Math.min(o.runs, 3) : o.runs;
}

/** Every simulation behind the figures, the report's tables and the scale and real-map runs. */
export function planFigures(o: FigurePlanOptions): PlannedJob[] {
  const runs = runsPerPoint(o);
  const sizes = o.quick ? [10, 50, STANDARD_SCX] : SIZES;
  const degrees = o.quick ? DEGREES.filter(([k1]) => k1 !== 4 && k1 !== 6) : DEGREES;
  const seeds = Array.from({ length: runs }, (_, i) => i + 1);
  const jobs: PlannedJob[] = [];
  const add = (experiment: PlannedJob['experiment'], profile: ProfileName, point: string, seed: number, options: Partial<ScenarioOptions>): void => {
    const config = { ...PROFILES[profile], ...(options.config ?? {}) };
    jobs.push({ id: `${experiment}|${profile}|${point}|${seed}`, experiment, profile, point, seed, options: { ...DEFAULT_SCENARIO, ...options, seed, config } });
  };
  for (const profile of o.profiles) {
    for (const seed of seeds) {
      for (const scx of sizes) add('size', profile, String(scx), seed, { scx, sampleEveryS: scx === STANDARD_SCX ? 1 : 0 });
      for (const [k1, k2] of degrees) if (k1 !== 3 || k2 !== 4) add('degree', profile, `${k1},${k2}`, seed, { config: { k1, k2 } });
      for (const map of o.maps) add('map', profile, map.path, seed, { topology: map.path, scx: map.scx });
    }
    add('sources', profile, '5', 1, { sources: 5, sampleEveryS: 5 });
    // Past 1,000 SCXs only the tuned profile: the paper profile runs there to the time cap, for about an hour.
    const scaleSizes = o.scale.filter((scx) => profile === 'tuned' || scx <= 1000);
    if (!o.quick) for (const scx of scaleSizes) add('scale', profile, String(scx), 1, { scx, routers: SCALE_ROUTERS });
  }
  return jobs;
}
