// Runs one simulated session per seed and prints the median and spread of each metric: the figures behind the
// README's Gossamer table. Usage: node --import tsx scripts/seeds.ts [--runs 25] [--profile paper|base|tuned] [--scx 100]
// [--max-time 1200] [--set key=value ...] [--json]; --set overrides one GossamerConfig key over the profile, e.g.
// --set discoveryAnswerSkipsTold=false --set discoveryBound=1000 (the paper's text, unbounded lists).
import { parseArgs } from 'node:util';
import { DEFAULT_GOSSAMER_CONFIG, type GossamerConfig } from '../src/gossamer/config.ts';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../src/gossamer/profiles.ts';
import { DEFAULT_SCENARIO, runScenario, type ScenarioResult } from '../src/sim/scenario.ts';

const METRICS = [
  'costRatio',
  'discovery90AtS',
  'discoveryAllAtS',
  'stableAtS',
  'edgeChangesPerNode',
  'maxLinkCopies',
  'unicastMaxLinkCopies',
  'controlBytesPerScxPerS',
  'steadyControlBytesPerScxPerS',
  'referenceCostRatio',
  'referenceCostRatioDegreeK2',
  'wallMs',
] as const;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '25' },
    scx: { type: 'string', default: String(DEFAULT_SCENARIO.scx) },
    profile: { type: 'string', default: 'tuned' },
    'max-time': { type: 'string', default: String(DEFAULT_SCENARIO.maxTimeS) },
    set: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const scx = Number(values.scx);
const profile = values.profile as ProfileName;
const maxTimeS = Number(values['max-time']);
/** `--set key=value`: a GossamerConfig key, its value parsed as the default's type. */
const overrides: Record<string, number | boolean> = {};
let badSet = false;
for (const item of values.set) {
  const [key = '', value = ''] = item.split('=', 2);
  const def = (DEFAULT_GOSSAMER_CONFIG as unknown as Record<string, unknown>)[key];
  if (typeof def === 'boolean' && (value === 'true' || value === 'false')) overrides[key] = value === 'true';
  else if (typeof def === 'number' && value !== '' && Number.isFinite(Number(value))) overrides[key] = Number(value);
  else badSet = true;
}
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(scx) || scx < 2 || !PROFILE_NAMES.includes(profile) || !(maxTimeS > 0) || badSet) {
  console.error(`usage: seeds.ts [--runs N>=1] [--scx N>=2] [--profile ${PROFILE_NAMES.join('|')}] [--max-time S>0] [--set key=value ...] [--json]`);
  process.exit(2);
}
const config: Partial<GossamerConfig> = { ...PROFILES[profile], ...overrides };

const results: ScenarioResult[] = [];
for (let seed = 1; seed <= runs; seed++) {
  process.stderr.write(`\rrun ${seed}/${runs} (seed ${seed})`);
  results.push(runScenario({ ...DEFAULT_SCENARIO, scx, seed, maxTimeS, config }));
}
process.stderr.write('\n');

const rows = METRICS.map((metric) => {
  const xs = results.map((r) => r[metric] ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const at = (q: number): number => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;
  return { metric, median: at(0.5), p10: at(0.1), p90: at(0.9), min: xs[0] as number, max: xs.at(-1) as number };
});
const stable = results.filter((r) => r.stable).length;
if (values.json) {
  console.log(JSON.stringify({ runs, scx, profile, maxTimeS, overrides, stable, rows }));
} else {
  const set = Object.entries(overrides).map(([k, v]) => ` ${k}=${v}`).join('');
  console.log(`${runs} seeds (1..${runs}), ${scx} SCXs, transit-stub 1000 routers, <3,4>, 1 source, profile ${profile}${set}, cap ${maxTimeS} s`);
  console.log(`${'metric'.padEnd(24)}${'median'.padStart(10)}${'p10'.padStart(10)}${'p90'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`);
  for (const r of rows) {
    const f = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : 'never').padStart(10);
    console.log(`${r.metric.padEnd(24)}${f(r.median)}${f(r.p10)}${f(r.p90)}${f(r.min)}${f(r.max)}`);
  }
  console.log(`stable before the cap: ${stable}/${runs}`);
}
