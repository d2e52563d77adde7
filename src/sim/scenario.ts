import { ErrorCode, ScError } from '../core/errors.ts';
import { Random } from '../core/random.ts';
import type { GossamerConfig } from '../gossamer/config.ts';
import { linkCopies, starEdges, treeEdges } from './metrics/link-copies.ts';
import { Recorder, type Sample } from './metrics/recorder.ts';
import { referenceTree } from './metrics/reference-tree.ts';
import { costRatio, sourceTree } from './metrics/tree.ts';
import { placeScxs } from './placement.ts';
import { Simulation } from './simulation.ts';
import { loadUnderlay } from './topology/index.ts';

/** Events a run may process per SCX per virtual second before it is declared a runaway (normal runs use ~10). */
const MAX_EVENTS_PER_SCX_SECOND = 200;

/** The greedy reference tree is cubic in the worst case: past this many SCXs it is not computed (reported as null). */
const MAX_REFERENCE_SCX = 1500;

/** One simulated session, as `scattercast sim run` describes it. */
export interface ScenarioOptions {
  /** `transit-stub`, `waxman`, or a GraphML file. */
  readonly topology: string;
  /** Routers of a generated underlay (ignored for GraphML). */
  readonly routers: number;
  /** SCXs in the session. */
  readonly scx: number;
  /** Source SCXs. */
  readonly sources: number;
  /** Rendezvous SCXs. */
  readonly rendezvous: number;
  /** Seed of the whole run: topology, placement, protocol. */
  readonly seed: number;
  /** Protocol parameters (degree, intervals, bounds). */
  readonly config: Partial<GossamerConfig>;
  /** Joins are spread over the first this many seconds. */
  readonly joinWindowS: number;
  /** The run ends once the mesh has not changed for this long, s. */
  readonly stableWindowS: number;
  /** The run ends at this virtual time at the latest, s. */
  readonly maxTimeS: number;
  /** Probability that any one control message is lost. */
  readonly loss: number;
  /** Record a time series (one sample per this many seconds; 0 for none). */
  readonly sampleEveryS: number;
  /** What ends the run before the cap: the stable window (default), or every SCX knowing >= 90% of the others. */
  readonly endOn?: 'stable' | 'discovery90';
  /** Also measure `edgeChanges90AtS` (off by default, so `sim run --json` keeps its keys). */
  readonly settleMetrics?: boolean;
  /** Also report the run as it stood at this virtual time, s (`snapshot`): what a run capped there would have measured. */
  readonly snapshotAtS?: number;
}

/** A run as it stood at `snapshotAtS` (its end, if it ended earlier). */
export interface ScenarioSnapshot {
  readonly atS: number;
  /** C / C_mcast then, mean over sources. */
  readonly costRatio: number;
  /** Time of the last mesh change by then, s. */
  readonly stableAtS: number;
  /** Whether the run had ended stable by then. */
  readonly stable: boolean;
  readonly edgeChangesPerNode: number;
  /** When 90% of the edge changes made by then had happened, s. */
  readonly edgeChanges90AtS: number;
}

/** Defaults of the paper's setting (section 6.1). */
export const DEFAULT_SCENARIO: ScenarioOptions = Object.freeze({
  topology: 'transit-stub',
  routers: 1000,
  scx: 100,
  sources: 1,
  rendezvous: 1,
  seed: 7,
  config: {},
  joinWindowS: 5,
  stableWindowS: 100,
  maxTimeS: 1200,
  loss: 0,
  sampleEveryS: 0,
});

/** What one run measured. */
export interface ScenarioResult {
  readonly seed: number;
  readonly topology: string;
  readonly routers: number;
  readonly scx: number;
  readonly sources: number;
  readonly degree: readonly [number, number];
  /** Final C / C_mcast, mean over sources. */
  readonly costRatio: number;
  readonly costRatioPerSource: readonly number[];
  /** The centralised greedy tree's cost ratio, same topology and placement, degree k1 + k2 (root k1+k2 children, others one less); NaN (null in JSON) past 1500 SCXs. */
  readonly referenceCostRatio: number;
  /** The same with degree k2 (the notes' "degree 4" at <3,4>). */
  readonly referenceCostRatioDegreeK2: number;
  /** SCXs without a working route to some source at the end. */
  readonly unreached: number;
  /** When every SCX knew at least 90% of the others, s (null: never). */
  readonly discovery90AtS: number | null;
  /** When every SCX knew all the others, s (null: never). */
  readonly discoveryAllAtS: number | null;
  /** Time of the last mesh change, s. */
  readonly stableAtS: number;
  /** When the mesh had made 90% of the run's edge changes, s: the paper's "almost its final structure" (with `settleMetrics`). */
  readonly edgeChanges90AtS?: number;
  /** The run as it stood at `snapshotAtS` (with that option). */
  readonly snapshot?: ScenarioSnapshot;
  /** Whether the mesh stayed unchanged for the stable window before the time cap. */
  readonly stable: boolean;
  /** Virtual time at the end of the run, s. */
  readonly endAtS: number;
  readonly edgeChangesPerNode: number;
  /** Busiest physical link's copies of one packet of the first source, over the Gossamer tree. */
  readonly maxLinkCopies: number;
  /** The same for a unicast star from that source. */
  readonly unicastMaxLinkCopies: number;
  /** Control bytes sent per SCX per second, averaged over the whole run. */
  readonly controlBytesPerScxPerS: number;
  /** The same over the run's last stable window (the steady-state cost of keeping the session up). */
  readonly steadyControlBytesPerScxPerS: number;
  readonly controlMessagesPerScxPerS: number;
  /** Messages dropped as malformed (should be 0 in simulation). */
  readonly malformed: number;
  /** Simulator events processed. */
  readonly events: number;
  readonly wallMs: number;
  readonly series?: readonly Sample[];
  readonly linkCopiesHistogram?: { readonly gossamer: readonly number[]; readonly unicast: readonly number[] };
}

/** Called once per virtual second with the virtual time and the run's time cap, s. */
export type ProgressCallback = (virtualS: number, capS: number) => void;

/** Runs one session on a fresh underlay and measures it. */
export function runScenario(options: ScenarioOptions, onProgress?: ProgressCallback): ScenarioResult {
  const started = performance.now();
  const master = new Random(options.seed);
  const underlay = loadUnderlay(options.topology, { routers: options.routers, rng: master.fork() });
  const placement = placeScxs(
    underlay,
    { scx: options.scx, sources: options.sources, rendezvous: options.rendezvous, joinWindowMs: options.joinWindowS * 1000 },
    master.fork(),
  );
  const n = options.scx;
  const lat = (i: number, j: number): number => placement.latencyMs[i * n + j] as number;
  const recorder = new Recorder(n);
  const sim = new Simulation({
    scxCount: n,
    latencyMs: lat,
    rendezvous: placement.rendezvous,
    seed: master.nextUint32(),
    config: options.config,
    onEvent: (_i, ev, now) => recorder.onEvent(ev, now),
  });
  sim.faults.setLoss(options.loss);
  for (let i = 0; i < n; i++) sim.join(i, placement.joinAtMs[i] as number, placement.sources.includes(i));

  const alive = (i: number): boolean => (sim.nodes[i]?.running ?? false) && !sim.faults.isCrashed(i);
  const index = (id: string): number | undefined => sim.index(id);
  const ratios = (): number[] => placement.sources.map((s) => costRatio(sourceTree(sim.nodes, s, index, alive), s, lat).ratio);
  const joinedBy = options.joinWindowS * 1000;
  const windowMs = options.stableWindowS * 1000;
  let done = false;
  let stableNow = false;
  let snapshot: ScenarioSnapshot | undefined;
  const snapshotNow = (): ScenarioSnapshot => ({
    atS: options.snapshotAtS ?? sim.now / 1000,
    costRatio: round(mean(ratios()), 4),
    stableAtS: round(recorder.lastMeshChangeAt / 1000, 3),
    stable: stableNow,
    edgeChangesPerNode: round(recorder.edgeChanges / n, 3),
    edgeChanges90AtS: round(recorder.changeShareAt(0.9) / 1000, 3),
  });
  /** Cumulative control bytes of all SCXs at each virtual second. */
  const bytesBySecond: number[] = [0];
  const watch = (): void => {
    const [share90, shareAll] = recorder.sampleDiscovery(sim.nodes, alive, sim.now);
    const sampleEveryMs = options.sampleEveryS * 1000;
    if (sampleEveryMs > 0 && sim.now % sampleEveryMs === 0) {
      recorder.samples.push({
        atS: sim.now / 1000,
        discovered90Share: share90,
        discoveredAllShare: shareAll,
        edgeChangesPerNode: recorder.edgeChanges / n,
        costRatios: ratios(),
      });
    }
    bytesBySecond.push(sim.nodes.reduce((sum, node) => sum + node.stats.bytesSent, 0));
    onProgress?.(sim.now / 1000, options.maxTimeS);
    stableNow = sim.now > joinedBy && sim.now - recorder.lastMeshChangeAt >= windowMs;
    done = options.endOn === 'discovery90' ? recorder.discovery90At !== undefined : stableNow;
    if (options.snapshotAtS !== undefined && snapshot === undefined && sim.now >= options.snapshotAtS * 1000) snapshot = snapshotNow();
    if (!done) sim.at(sim.now + 1000, watch);
  };
  sim.at(1000, watch);
  // A bound on the work of one run: a protocol storm fails loudly with its seed instead of hanging.
  const maxEvents = MAX_EVENTS_PER_SCX_SECOND * n * options.maxTimeS;
  sim.runUntil(options.maxTimeS * 1000, () => done || sim.processed > maxEvents);
  if (sim.processed > maxEvents) {
    throw new ScError(
      ErrorCode.SIM_RUNAWAY,
      `seed ${options.seed}: more than ${maxEvents} events by virtual ${(sim.now / 1000).toFixed(3)} s (a message storm?)`,
    );
  }

  const perSource = ratios();
  const k1 = sim.nodes[0]?.config.k1 ?? 0;
  const k2 = sim.nodes[0]?.config.k2 ?? 0;
  const reference = (degree: number): number =>
    n > MAX_REFERENCE_SCX ? Number.NaN : mean(placement.sources.map((s) => costRatio(referenceTree(n, s, lat, degree, degree - 1), s, lat).ratio));
  const first = placement.sources[0] as number;
  const firstTree = sourceTree(sim.nodes, first, index, alive);
  let unreached = 0;
  for (const s of placement.sources) {
    const tree = sourceTree(sim.nodes, s, index, alive);
    for (let i = 0; i < n; i++) if (i !== s && alive(i) && tree[i] === -2) unreached++;
  }
  const gossamerCopies = linkCopies(underlay, treeEdges(firstTree, placement.routerOf));
  const unicastCopies = linkCopies(underlay, starEdges(first, placement.routerOf));
  let bytes = 0;
  let messages = 0;
  let malformed = 0;
  for (const node of sim.nodes) {
    bytes += node.stats.bytesSent;
    messages += node.stats.messagesSent;
    malformed += node.stats.malformed;
  }
  const endS = sim.now / 1000;
  const windowS = Math.min(options.stableWindowS, bytesBySecond.length - 1);
  const quietBytes = (bytesBySecond.at(-1) as number) - (bytesBySecond[bytesBySecond.length - 1 - windowS] as number);
  return {
    seed: options.seed,
    topology: underlay.name,
    routers: underlay.nodeCount,
    scx: n,
    sources: placement.sources.length,
    degree: [k1, k2],
    costRatio: round(mean(perSource), 4),
    costRatioPerSource: perSource.map((r) => round(r, 4)),
    referenceCostRatio: round(reference(k1 + k2), 4),
    referenceCostRatioDegreeK2: round(reference(k2), 4),
    unreached,
    discovery90AtS: recorder.discovery90At === undefined ? null : recorder.discovery90At / 1000,
    discoveryAllAtS: recorder.discoveryAllAt === undefined ? null : recorder.discoveryAllAt / 1000,
    stableAtS: round(recorder.lastMeshChangeAt / 1000, 3),
    ...(options.settleMetrics ? { edgeChanges90AtS: round(recorder.changeShareAt(0.9) / 1000, 3) } : {}),
    ...(options.snapshotAtS !== undefined ? { snapshot: snapshot ?? snapshotNow() } : {}),
    stable: stableNow,
    endAtS: round(endS, 3),
    edgeChangesPerNode: round(recorder.edgeChanges / n, 3),
    maxLinkCopies: gossamerCopies.max,
    unicastMaxLinkCopies: unicastCopies.max,
    controlBytesPerScxPerS: round(bytes / n / endS, 2),
    steadyControlBytesPerScxPerS: round(quietBytes / n / Math.max(1, windowS), 2),
    controlMessagesPerScxPerS: round(messages / n / endS, 3),
    malformed,
    events: sim.processed,
    wallMs: Math.round(performance.now() - started),
    ...(options.sampleEveryS > 0
      ? {
          series: recorder.samples,
          linkCopiesHistogram: { gossamer: gossamerCopies.histogram, unicast: unicastCopies.histogram },
        }
      : {}),
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
