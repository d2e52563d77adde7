/**
 * `npm run bench:transport`: the transport mechanisms of paper section 5 (issue 13), each figure against its goal.
 * Simulator runs where the mechanism's behaviour is protocol (fair queuing, pushback, layers, NACK reliability), netns
 * runs where it is sockets (bulk files over tbf-shaped links). Seeded; one section per file in
 * scripts/bench-transport/; a table at the end; exit status 1 when a goal is missed.
 */

import type { Row } from './bench-transport/row.ts';

/** The sections, in the order a full run takes them, with what each measures (for --help). */
const SECTIONS = {
  sfq: 'hierarchical SFQ: 3 sessions weighted 1:2:1 on 10 Mbit/s; a 64 kbit/s channel beside a bulk one (simulator, ~5 s)',
  pushback: 'congestion pushback: a source at 2x its bottleneck settles; a fast branch beside a slow one (simulator)',
  layered: 'layered transmission on trees with mixed bottlenecks: layers reached, base-layer loss, oscillation (simulator)',
  reliable: 'reliable with source path messages, 100 SCXs, 1/5/20% loss and 2-s blackouts (simulator)',
  'link-emulator': 'the daemon\'s link emulator: emulated round trips of 10/60/120 ms as probes see them, its CPU per datagram (~6 s)',
  bulk: 'bulk file distribution, 200 MB to 10 receivers over tbf-shaped 100 Mbit/s links (netns; needs root)',
} as const;
type Section = keyof typeof SECTIONS;
const NAMES = Object.keys(SECTIONS) as Section[];

/** The whole run is bounded: sections not started by then are reported as not run, and fail the bench, ms. */
const RUN_BOUND_MS = 10 * 60_000;

const HELP = `npm run bench:transport [-- options]

The transport framework's bench (issue 13). Each section prints its figures as it ends; a table of every figure,
its goal and PASS/MISS (INFO: reported, no goal) follows. Seeded: the same seed replays the same simulator runs.
At most ${RUN_BOUND_MS / 60_000} minutes: sections left when the bound passes are not run, and count as a miss.

Sections (in this order):
${NAMES.map((n) => `  ${n.padEnd(9)} ${SECTIONS[n]}`).join('\n')}

Options:
  --seed N          seed of every random choice, printed (default 1)
  --only S[,S...]   run only these sections
  -h, --help        this text

Exit status: 0 every goal met, 1 a goal missed, 2 bad arguments.
`;

interface Options {
  readonly seed: number;
  readonly only: readonly Section[];
}

/** Parses argv; a string is a usage error's message. */
function parseOptions(argv: readonly string[]): Options | 'help' | string {
  let seed = 1;
  let only: Section[] = [...NAMES];
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] as string;
    if (arg === '-h' || arg === '--help') return 'help';
    const value = argv[k + 1];
    if (arg === '--seed') {
      if (value === undefined || !/^\d{1,9}$/.test(value)) return `--seed needs an integer from 0 to 999999999 (got ${JSON.stringify(value)})`;
      seed = Number(value);
      k++;
    } else if (arg === '--only') {
      const names = (value ?? '').split(',').filter((s) => s !== '');
      const unknown = names.filter((n) => !(n in SECTIONS));
      if (names.length === 0 || unknown.length > 0) return `--only takes section names from ${NAMES.join(', ')} (got ${JSON.stringify(value)})`;
      only = names as Section[];
      k++;
    } else return `unknown option ${JSON.stringify(arg)} (see --help)`;
  }
  return { seed, only };
}

const mark = (pass: boolean | undefined): string => (pass === undefined ? 'INFO' : pass ? 'PASS' : 'MISS');

/** The rows as a fixed-width table. */
function table(rows: ReadonlyArray<Row & { section: string }>): string {
  const cells = [['section', 'figure', 'value', 'goal', ''], ...rows.map((r) => [r.section, r.figure, r.value, r.goal, mark(r.pass)])];
  const widths = (cells[0] as string[]).map((_, c) => Math.max(...cells.map((r) => (r[c] as string).length)));
  const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ').trimEnd();
  return [line(cells[0] as string[]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (typeof o === 'string') {
    process.stderr.write(`bench:transport: ${o}\n`);
    return 2;
  }
  process.stdout.write(`bench:transport: seed ${o.seed} (replay with --seed ${o.seed}), sections ${o.only.join(', ')}\n`);
  const started = performance.now();
  const rows: Array<Row & { section: string }> = [];
  for (const section of o.only) {
    if (performance.now() - started > RUN_BOUND_MS) {
      rows.push({ section, figure: 'not run', value: `the run passed its bound of ${RUN_BOUND_MS / 60_000} min`, goal: 'run', pass: false });
      continue;
    }
    const t = performance.now();
    const mod = (await import(`./bench-transport/${section}.ts`)) as { run(opts: { seed: number; onProgress?: (msg: string) => void }): Promise<Row[]> };
    const got = await mod.run({ seed: o.seed, onProgress: (msg) => process.stderr.write(`  ${msg}\n`) });
    for (const r of got) {
      rows.push({ section, ...r });
      process.stdout.write(`${mark(r.pass)}  ${section.padEnd(9)} ${r.figure}: ${r.value} (goal: ${r.goal})\n`);
    }
    process.stdout.write(`      ${section} took ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`\n${table(rows)}\n`);
  const missed = rows.filter((r) => r.pass === false);
  process.stdout.write(`\n${missed.length === 0 ? 'every goal met' : `${missed.length} goal(s) missed`} in ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${o.seed})\n`);
  return missed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:transport: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
