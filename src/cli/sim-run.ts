import { Option, type Command } from 'commander';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../gossamer/profiles.ts';
import { DEFAULT_GOSSAMER_CONFIG } from '../gossamer/config.ts';
import { DEFAULT_SCENARIO, runScenario, type ScenarioResult } from '../sim/scenario.ts';
import { degreeFlag, intFlag, numberFlag } from './options.ts';
import { Progress } from './progress.ts';
import { dieOnSignal } from './signals.ts';

interface SimRunFlags {
  topology: string;
  routers: number;
  scx: number;
  sources: number;
  rendezvous: number;
  degree: [number, number];
  seed: number;
  profile: ProfileName;
  bound?: number;
  hysteresis?: number;
  maxTime: number;
  stableWindow: number;
  loss: number;
  json?: boolean;
}

/** `scattercast sim run`: one simulated session, summarised or as one JSON object. */
export function addSimRun(sim: Command, out: (line: string) => void): void {
  const d = DEFAULT_SCENARIO;
  const g = DEFAULT_GOSSAMER_CONFIG;
  sim
    .command('run')
    .description('simulate one Gossamer session over an Internet topology and measure it')
    .option('--topology <spec>', 'transit-stub, waxman, or a Topology Zoo .graphml file', d.topology)
    .option('--routers <n>', 'routers of a generated topology', intFlag('--routers', 2, 100000), d.routers)
    .option('--scx <n>', 'SCXs in the session, each on its own router', intFlag('--scx', 2, 100000), d.scx)
    .option('--sources <n>', 'source SCXs', intFlag('--sources', 1), d.sources)
    .option('--rendezvous <n>', 'rendezvous SCXs', intFlag('--rendezvous', 1), d.rendezvous)
    .option('--degree <k1,k2>', 'degree constraint <k1,k2>, k2 > k1', degreeFlag, [g.k1, g.k2])
    .option('--seed <n>', 'seed of the whole run (topology, placement, protocol)', intFlag('--seed', 0, 2 ** 32 - 1), d.seed)
    .addOption(
      new Option('--profile <name>', 'protocol parameters: paper (the paper exactly), base (ours, paper timing), tuned (ours)')
        .choices(PROFILE_NAMES)
        .default('tuned'),
    )
    .option('--bound <n>', `most SCX ids in one DISCOVERY list once membership is quiet (paper: ${g.discoveryBound})`, intFlag('--bound', 1))
    .option('--hysteresis <h>', `hysteresis per known source, H = h x sources (paper: ${g.hysteresisPerSource})`, numberFlag('--hysteresis', 0))
    .option('--max-time <s>', 'time cap of the run, virtual seconds', numberFlag('--max-time', 1), d.maxTimeS)
    .option('--stable-window <s>', 'the run ends after this many seconds without a mesh change', numberFlag('--stable-window', 1), d.stableWindowS)
    .option('--loss <p>', 'probability that a control message is lost', numberFlag('--loss', 0, 1), d.loss)
    .option('--json', 'print one JSON object instead of a summary')
    .action((flags: SimRunFlags) => {
      dieOnSignal(); // a batch job: Ctrl-C or SIGTERM ends it at once, as for any command
      const progress = new Progress(`simulating ${flags.scx} SCXs (seed ${flags.seed})`);
      const result = runScenario({
        ...d,
        topology: flags.topology,
        routers: flags.routers,
        scx: flags.scx,
        sources: flags.sources,
        rendezvous: flags.rendezvous,
        seed: flags.seed,
        maxTimeS: flags.maxTime,
        stableWindowS: flags.stableWindow,
        loss: flags.loss,
        config: {
          ...PROFILES[flags.profile],
          k1: flags.degree[0],
          k2: flags.degree[1],
          ...(flags.bound === undefined ? {} : { discoveryBound: flags.bound }),
          ...(flags.hysteresis === undefined ? {} : { hysteresisPerSource: flags.hysteresis }),
        },
      }, (virtualS, capS) => progress.update(virtualS, capS, `${virtualS} virtual s`));
      progress.done();
      out(flags.json ? JSON.stringify(result) : summary(result));
    });
}

function summary(r: ScenarioResult): string {
  const s = (x: number | null): string => (x === null ? 'never' : `${x} s`);
  return [
    `Gossamer on ${r.topology} (${r.routers} routers): ${r.scx} SCXs, ${r.sources} source(s), degree <${r.degree[0]},${r.degree[1]}>, seed ${r.seed}`,
    `  cost ratio C/C_mcast   ${r.costRatio.toFixed(3)}${r.sources > 1 ? `  (per source: ${r.costRatioPerSource.join(', ')})` : ''}`,
    `  centralised tree       ${r.referenceCostRatio.toFixed(3)} (degree k1+k2), ${r.referenceCostRatioDegreeK2.toFixed(3)} (degree k2)`,
    `  unreached SCXs         ${r.unreached}`,
    `  90% discovery          ${s(r.discovery90AtS)}`,
    `  full discovery         ${s(r.discoveryAllAtS)}`,
    `  mesh stable            ${r.stable ? `since ${r.stableAtS} s` : `NOT stable by the ${r.endAtS} s cap (last change ${r.stableAtS} s)`}`,
    `  edge changes per SCX   ${r.edgeChangesPerNode}`,
    `  worst link copies      ${r.maxLinkCopies} (unicast star: ${r.unicastMaxLinkCopies})`,
    `  control traffic        ${r.controlBytesPerScxPerS} B/s and ${r.controlMessagesPerScxPerS} msg/s per SCX (steady: ${r.steadyControlBytesPerScxPerS} B/s)`,
    `  simulated              ${r.endAtS} s in ${r.wallMs} ms wall (${r.events} events)`,
  ].join('\n');
}
