/** The bench's results: one line per goal as it is measured, a table at the end, and the figures as JSON. */

import { writeFileSync } from 'node:fs';

/** One measured goal. `pass` undefined: a figure with no goal (reported, never failing). */
export interface Goal {
  readonly phase: string;
  readonly name: string;
  /** The figure, as people read it. */
  readonly figure: string;
  /** What it had to be, as people read it. */
  readonly goal: string;
  readonly pass: boolean | undefined;
  /** The numbers behind the figure. */
  readonly values?: Record<string, unknown>;
}

const mark = (pass: boolean | undefined): string => (pass === undefined ? 'INFO' : pass ? 'PASS' : 'FAIL');

export class Results {
  readonly goals: Goal[] = [];
  /** Per phase: what else it saw (choices made, set-up problems). */
  readonly notes: Record<string, string[]> = {};

  /** Records a goal and prints its line on stdout. */
  add(goal: Goal): void {
    this.goals.push(goal);
    process.stdout.write(`${mark(goal.pass)}  ${goal.phase.padEnd(9)} ${goal.name}: ${goal.figure} (goal: ${goal.goal})\n`);
  }

  /** Records and prints a note (not a goal). */
  note(phase: string, text: string): void {
    (this.notes[phase] ??= []).push(text);
    process.stdout.write(`      ${phase.padEnd(9)} ${text}\n`);
  }

  failed(): Goal[] {
    return this.goals.filter((g) => g.pass === false);
  }

  /** The table of every goal, as fixed-width text. */
  table(): string {
    const rows = [['phase', 'goal', 'figure', 'wanted', ''], ...this.goals.map((g) => [g.phase, g.name, g.figure, g.goal, mark(g.pass)])];
    const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length))) ?? [];
    const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ').trimEnd();
    return [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
  }

  writeJson(path: string, run: Record<string, unknown>): void {
    writeFileSync(path, `${JSON.stringify({ ...run, goals: this.goals, notes: this.notes }, null, 2)}\n`);
  }
}

/** The p-th percentile (0..100) of `xs`, nearest rank; undefined for none. */
export function percentile(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Ms as seconds with one decimal, `never` for Infinity, `-` for undefined. */
export function secs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (!Number.isFinite(ms)) return 'never';
  return `${(ms / 1000).toFixed(1)} s`;
}

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
