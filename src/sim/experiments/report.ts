import type { ProfileName } from '../../gossamer/profiles.ts';
import { PROFILE_LABEL, type Figure } from './figure.ts';
import type { Table } from './tables.ts';

/** What REPORT.md says about how it was made. */
export interface ReportContext {
  readonly command: string;
  readonly runs: number;
  readonly quick: boolean;
  readonly profiles: readonly ProfileName[];
  readonly simulations: number;
  readonly wallS: number;
  readonly workers: number;
}

/** A markdown table. */
function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** One figure's section: plot, table, note. */
function figureSection(f: Figure, profiles: readonly ProfileName[], note: string): string {
  const header = ['metric', 'paper', ...profiles.map((p) => `ours, ${PROFILE_LABEL[p]}`), 'references'];
  const rows = f.table.map((r) => [r.metric, r.paper, ...profiles.map((p) => r.ours[p] ?? ''), r.reference]);
  return [
    `## ${f.title}`,
    '',
    `![${f.title}](${f.id}.png)`,
    '',
    `Data: [${f.id}.csv](${f.id}.csv), plot also as [SVG](${f.id}.svg).`,
    '',
    markdownTable(header, rows),
    '',
    note,
  ].join('\n');
}

/** REPORT.md: every figure with the paper's value beside ours, then the real-map and scale tables. */
export function buildReport(ctx: ReportContext, figures: readonly Figure[], tables: readonly Table[], notes: Readonly<Record<string, string>>): string {
  const head = [
    '# Scattercast evaluation: the paper\'s Figs. 5-12, reproduced',
    '',
    `Made by \`${ctx.command}\`: ${ctx.simulations} simulations, ${ctx.runs} run(s) per point (seeds 1..${ctx.runs})${ctx.quick ? ', quick mode (fewer points)' : ''}, ` +
      `${ctx.workers} worker thread(s), ${Math.round(ctx.wallS)} s of wall time.`,
    '',
    'Setup as in the paper (section 6.1): GT-ITM transit-stub underlays of 1000 routers, SCXs on distinct random routers, one',
    'rendezvous, joins spread over the first 5 s, one random source, degree <3,4>, a run ends after 100 s without a mesh change',
    'or at 1200 s. Each seed draws its own topology and placement; both profiles see the same ones.',
    '',
    `Profiles: ${ctx.profiles.map((p) => `**${p}**`).join(', ')} (see \`src/gossamer/profiles.ts\`). \`paper\` is the paper's algorithm and`,
    'parameters exactly; `tuned` is ours. Cells are the median with its 95% confidence interval in brackets (order statistics;',
    'with fewer than 6 runs, the mean with a t interval). Plots show means with 95% t intervals.',
    '',
    'References: IP multicast has cost ratio 1.0 by definition, and so has the latency of a unicast star (every SCX reached by',
    'its unicast shortest path), whose cost is in link copies instead (Fig. 8). The centralised tree is built with full',
    'knowledge by a greedy (`src/sim/metrics/reference-tree.ts`): with degree k1+k2 the root takes 7 children and every other',
    'SCX 6 at <3,4>; with degree k2, 4 and 3 (the "degree 4" reference of the design notes, about 1.47 at 100 SCXs).',
  ].join('\n');
  const section = (t: Table): string => [`## ${t.title}`, '', markdownTable(t.header, t.rows), '', t.note, '', notes[t.id] ?? ''].join('\n');
  const [glance, ...rest] = tables;
  const sections = figures.map((f) => figureSection(f, ctx.profiles, notes[f.id] ?? ''));
  return [head, ...(glance ? [section(glance)] : []), ...sections, ...rest.map(section)].join('\n\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
