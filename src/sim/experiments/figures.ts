import type { ProfileName } from '../../gossamer/profiles.ts';
import { DEFAULT_SCENARIO, type ScenarioResult } from '../scenario.ts';
import { Results, type Figure } from './figure.ts';
import { fig08, fig11, figuresVersusSize } from './figures-points.ts';
import { fig05, fig06, fig07 } from './figures-time.ts';
import { DEGREES, pointScx, sectionUses, SIZES, STANDARD_SCX, type FigurePlanOptions, type PlannedJob, type SectionId } from './plan.ts';
import { goalsTable, realMapsTable, scaleTable, type Table } from './tables.ts';

/** The report section a figure or table belongs to: "fig05-discovery" is section "fig05". */
export function sectionOf(id: string): SectionId {
  return (id.startsWith('fig') ? id.slice(0, 5) : id) as SectionId;
}

/** Every figure (in paper order) and table, from the planned jobs and their results; with `plan.only`, just those. */
export function buildFigures(
  plan: FigurePlanOptions,
  jobs: readonly PlannedJob[],
  results: readonly ScenarioResult[],
): { figures: Figure[]; tables: Table[] } {
  const r = new Results(jobs, results);
  const profiles: readonly ProfileName[] = plan.profiles;
  const sizes = [...new Set(jobs.filter((j) => j.experiment === 'size').map((j) => Number(j.point)))].sort((a, b) => a - b);
  const degrees = DEGREES.filter(([k1, k2]) => (k1 === 3 && k2 === 4) || jobs.some((j) => j.experiment === 'degree' && j.point === `${k1},${k2}`));
  const capS = plan.maxTimeS ?? DEFAULT_SCENARIO.maxTimeS;
  const [fig09, fig10, fig12] = figuresVersusSize(r, profiles, sizes.length > 0 ? sizes : [...SIZES], capS);
  const figures = [fig05(r, profiles), fig06(r, profiles), fig07(r, profiles), fig08(r, profiles), fig09, fig10, fig11(r, profiles, degrees), fig12];
  const tables = [goalsTable(r, profiles), realMapsTable(r, profiles, plan.maps), scaleTable(r, profiles, plan.scale)];
  const wanted = (id: string): boolean => plan.only === undefined || plan.only.includes(sectionOf(id));
  return {
    figures: figures.filter((f): f is Figure => f !== undefined && wanted(f.id)),
    tables: tables.filter((t) => wanted(t.id)),
  };
}

/**
 * How many runs per point one section used, and their time cap, in words: "25 runs per point (seeds 1..25)", or
 * "10 runs per point (seeds 1..10), 4 at 200 and 350 SCXs" when the count varies.
 */
export function runsText(section: SectionId, jobs: readonly PlannedJob[]): string {
  const used = jobs.filter((j) => sectionUses(section, j));
  if (used.length === 0) return '';
  const perPoint = new Map<string, { count: number; label: string }>();
  for (const j of used) {
    const key = `${j.experiment}|${j.profile}|${j.point}`;
    const label = j.experiment === 'degree' ? `<${j.point}>` : section === 'fig11' && j.experiment === 'size' ? '<3,4>' : j.experiment === 'map' ? (j.point.split('/').pop() ?? j.point).replace(/\.graphml$/, '') : `${pointScx(j.point)} SCXs`;
    const entry = perPoint.get(key) ?? { count: 0, label };
    entry.count++;
    perPoint.set(key, entry);
  }
  const byCount = new Map<number, string[]>();
  for (const { count, label } of perPoint.values()) {
    const labels = byCount.get(count) ?? [];
    if (!labels.includes(label)) labels.push(label);
    byCount.set(count, labels);
  }
  const counts = [...byCount.entries()].sort((a, b) => b[1].length - a[1].length || b[0] - a[0]);
  const runs = (n: number): string => (n === 1 ? 'one run (seed 1)' : `${n} runs (seeds 1..${n})`);
  const [main, ...others] = counts;
  let text = `${runs(main?.[0] ?? 0)} per point`;
  if (others.length > 0) text += `, except ${others.map(([n, labels]) => `${n === 1 ? 'one run' : `${n} runs`} at ${joinWords(labels)}`).join(' and ')}`;
  const stable = used.filter((j) => j.options.endOn !== 'discovery90');
  const caps = [...new Set(stable.map((j) => j.options.maxTimeS))].sort((a, b) => a - b);
  if (caps.length > 0) text += `; a run ends after ${stable[0]?.options.stableWindowS} s without a mesh change or at ${joinWords(caps.map((c) => `${c} s`))}`;
  if (stable.length < used.length) text += '; a discovery-variant run ends once every SCX knows 90% of the others';
  return text;
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The standard point's runs of one profile, for the command's closing summary. */
export function standardRuns(jobs: readonly PlannedJob[], results: readonly ScenarioResult[], profile: ProfileName): ScenarioResult[] {
  return new Results(jobs, results).of('size', profile, STANDARD_SCX);
}
