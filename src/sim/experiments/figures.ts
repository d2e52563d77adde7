import type { ProfileName } from '../../gossamer/profiles.ts';
import type { ScenarioResult } from '../scenario.ts';
import { Results, type Figure } from './figure.ts';
import { fig08, fig11, figuresVersusSize } from './figures-points.ts';
import { fig05, fig06, fig07 } from './figures-time.ts';
import { DEGREES, SIZES, STANDARD_SCX, type FigurePlanOptions, type PlannedJob } from './plan.ts';
import { goalsTable, realMapsTable, scaleTable, type Table } from './tables.ts';

/** Every figure (in paper order) and table, from the planned jobs and their results. */
export function buildFigures(
  plan: FigurePlanOptions,
  jobs: readonly PlannedJob[],
  results: readonly ScenarioResult[],
): { figures: Figure[]; tables: Table[] } {
  const r = new Results(jobs, results);
  const profiles: readonly ProfileName[] = plan.profiles;
  const sizes = [...new Set(jobs.filter((j) => j.experiment === 'size').map((j) => Number(j.point)))].sort((a, b) => a - b);
  const degrees = DEGREES.filter(([k1, k2]) => (k1 === 3 && k2 === 4) || jobs.some((j) => j.experiment === 'degree' && j.point === `${k1},${k2}`));
  const [fig09, fig10, fig12] = figuresVersusSize(r, profiles, sizes.length > 0 ? sizes : [...SIZES]);
  const figures = [fig05(r, profiles), fig06(r, profiles), fig07(r, profiles), fig08(r, profiles), fig09, fig10, fig11(r, profiles, degrees), fig12];
  return {
    figures: figures.filter((f): f is Figure => f !== undefined),
    tables: [goalsTable(r, profiles), realMapsTable(r, profiles, plan.maps), scaleTable(r, profiles, plan.scale)],
  };
}

/** The standard point's runs of one profile, for the command's closing summary. */
export function standardRuns(jobs: readonly PlannedJob[], results: readonly ScenarioResult[], profile: ProfileName): ScenarioResult[] {
  return new Results(jobs, results).of('size', profile, STANDARD_SCX);
}
