import type { ProfileName } from '../../gossamer/profiles.ts';
import { PROFILE_LABEL, type Figure } from './figure.ts';
import { SECTIONS, type SectionId } from './plan.ts';
import type { Table } from './tables.ts';

/** What REPORT.md says about how its sections were made. */
export interface ReportContext {
  readonly command: string;
  readonly profiles: readonly ProfileName[];
  readonly simulations: number;
  readonly wallS: number;
  readonly workers: number;
  /** Runs per point and time cap of each section made now, in words. */
  readonly runsBySection: Readonly<Partial<Record<SectionId, string>>>;
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

/** The marker that opens each section, so that `--only` can replace sections of an earlier report. */
function marker(id: SectionId): string {
  return `<!-- section: ${id} -->`;
}

/** The line under a section's heading: which invocation made it, and how many runs per point. */
function madeBy(ctx: ReportContext, id: SectionId): string {
  const runs = ctx.runsBySection[id];
  return `_Made by \`${ctx.command}\` (${ctx.simulations} simulations, ${Math.round(ctx.wallS)} s of wall time on ${ctx.workers} worker thread(s))${runs ? `: ${runs}` : ''}._`;
}

/** One figure's section: plot, table, notes (the fixed text, then what the figure computed). */
function figureSection(ctx: ReportContext, f: Figure, id: SectionId, note: string): string {
  const header = ['metric', 'paper', ...ctx.profiles.map((p) => `ours, ${PROFILE_LABEL[p]}`), 'references'];
  const rows = f.table.map((r) => [r.metric, r.paper, ...ctx.profiles.map((p) => r.ours[p] ?? ''), r.reference]);
  return [
    marker(id),
    `## ${f.title}`,
    '',
    madeBy(ctx, id),
    '',
    `![${f.title}](${f.id}.png)`,
    '',
    `Data: [${f.id}.csv](${f.id}.csv), plot also as [SVG](${f.id}.svg).`,
    '',
    markdownTable(header, rows),
    '',
    note,
    '',
    f.note,
  ].join('\n');
}

function tableSection(ctx: ReportContext, t: Table, note: string): string {
  const id = t.id as SectionId;
  return [marker(id), `## ${t.title}`, '', madeBy(ctx, id), '', markdownTable(t.header, t.rows), '', t.note, '', note].join('\n');
}

const HEAD = [
  "# Scattercast evaluation: the paper's Figs. 5-12, reproduced",
  '',
  'Made by `scattercast sim figures`, section by section: under each heading, the invocation that made it, how many runs',
  'per point it used and their time cap. `scattercast sim figures --out DIR` makes every section at once; with `--only`,',
  'it remakes the sections named and keeps the others of the REPORT.md already in DIR.',
  '',
  'Setup as in the paper (section 6.1): GT-ITM transit-stub underlays of 1000 routers, SCXs on distinct random routers, one',
  'rendezvous, joins spread over the first 5 s, one random source, degree <3,4>, a run ends after 100 s without a mesh change',
  'or at its time cap (1200 s unless its section says otherwise; the paper gives none). Each seed draws its own topology and',
  'placement; both profiles see the same ones.',
  '',
  'Profiles: **paper**, **tuned** (see `src/gossamer/profiles.ts`). `paper` is the paper\'s algorithms and parameters, save',
  'four readings of ours where the text is silent or loose, each a switch: a DISCOVERY_RESPONSE leaves out the ids the asker',
  'just sent (`discoveryAnswerSkipsTold`; the paper\'s answer is a plain random gamma(X)), route changes go out as triggered',
  'updates (`triggeredRouteUpdates`; the paper only says updates run every 30 s), a route that runs through the SCX itself',
  'scores 1.0 in Fig. 3\'s cost function (`loopingRouteScoresWorst`), and runs stop at a time cap (`--max-time`; the',
  'paper\'s ran until stable). Figs. 5 and 9 show the first and the list bound. `tuned` is ours. Cells are the median with',
  'its 95% confidence interval in brackets (order statistics; with fewer than 6 runs, the mean with a t interval). Plots',
  'show means with 95% t intervals.',
  '',
  'References: IP multicast has cost ratio 1.0 by definition, and so has the latency of a unicast star (every SCX reached by',
  'its unicast shortest path), whose cost is in link copies instead (Fig. 8). The centralised tree is built with full',
  'knowledge by a greedy (`src/sim/metrics/reference-tree.ts`): with degree k1+k2 the root takes 7 children and every other',
  'SCX 6 at <3,4>; with degree k2, 4 and 3. The paper gives no centralised tree: the degree-k2 one is the "degree 4"',
  'reference of our design notes, which quote about 1.47 for it at 100 SCXs from another topology generator; its values on',
  'these maps are in Figs. 10 and 11 and the at-a-glance table.',
].join('\n');

/**
 * REPORT.md: every figure with the paper's value beside ours, then the real-map and scale tables. Sections not
 * made now are taken from `previous` (the REPORT.md being updated), if it has them.
 */
export function buildReport(
  ctx: ReportContext,
  figures: readonly Figure[],
  tables: readonly Table[],
  notes: Readonly<Record<string, string>>,
  previous?: string,
): string {
  const fresh = new Map<SectionId, string>();
  for (const t of tables) fresh.set(t.id as SectionId, tableSection(ctx, t, notes[t.id] ?? ''));
  for (const f of figures) {
    const id = f.id.slice(0, 5) as SectionId;
    fresh.set(id, figureSection(ctx, f, id, notes[f.id] ?? ''));
  }
  const old = previous === undefined ? new Map<SectionId, string>() : parseReport(previous);
  const sections = SECTIONS.flatMap((id) => {
    const text = fresh.get(id) ?? old.get(id);
    return text === undefined ? [] : [text];
  });
  return [HEAD, ...sections].join('\n\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** Which section a heading of an earlier report (without markers) opens. */
function sectionOfHeading(title: string): SectionId | undefined {
  const fig = /^Fig\. (\d+):/.exec(title);
  if (fig) {
    const id = `fig${(fig[1] as string).padStart(2, '0')}`;
    return (SECTIONS as readonly string[]).includes(id) ? (id as SectionId) : undefined;
  }
  if (title.startsWith('At a glance')) return 'goals';
  if (title.startsWith('Real maps')) return 'real-maps';
  if (title.startsWith('Past the paper')) return 'scale';
  return undefined;
}

/**
 * The sections of an earlier REPORT.md, by id, each with its marker and made-by line. A report from before the
 * markers gets them here, its made-by line from its head ("Made by `...`: N simulations, ...").
 */
export function parseReport(text: string): Map<SectionId, string> {
  const lines = text.split('\n');
  const sections = new Map<SectionId, string>();
  const oldMadeBy = /^Made by `([^`]+)`: (\d+) simulations, (\d+) run\(s\) per point \(seeds 1\.\.\d+\)(, quick mode \(fewer points\))?, (\d+) worker thread\(s\), (\d+) s of wall time\.$/m.exec(text);
  const starts: Array<{ at: number; id: SectionId | undefined; marked: boolean }> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('## ')) continue;
    const prev = i > 0 ? (lines[i - 1] as string) : '';
    const m = /^<!-- section: ([a-z0-9-]+) -->$/.exec(prev);
    starts.push(m ? { at: i - 1, id: m[1] as SectionId, marked: true } : { at: i, id: sectionOfHeading(line.slice(3)), marked: false });
  }
  starts.forEach((s, k) => {
    if (s.id === undefined) return;
    const end = starts[k + 1]?.at ?? lines.length;
    let body = lines.slice(s.at, end).join('\n').trimEnd();
    if (!s.marked) {
      const [heading, ...rest] = body.split('\n');
      const made = oldMadeBy
        ? `_Made by \`${oldMadeBy[1]}\` (${oldMadeBy[2]} simulations, ${oldMadeBy[6]} s of wall time on ${oldMadeBy[5]} worker thread(s)): ` +
          `${oldMadeBy[3]} runs per point (seeds 1..${oldMadeBy[3]}) unless the title names a seed${oldMadeBy[4] ? ', quick mode' : ''}; a run ends after 100 s without a mesh change or at 1200 s._`
        : undefined;
      body = [marker(s.id), heading, ...(made ? ['', made] : []), ...rest].join('\n');
    }
    sections.set(s.id, body);
  });
  return sections;
}
