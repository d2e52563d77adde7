/**
 * Layered transmission in the simulator (issue 13). A source sends 4 layers of 40 packets/s each (about 333 kbit/s a
 * layer) down a tree whose overlay links have mixed capacities, so receivers behind different bottlenecks support 1
 * to 4 layers. Measured per receiver: when it first gets every layer its path supports (and keeps it), the base
 * layer's loss, and how often the layers it gets change (oscillation). Two trees: a fixed six-SCX tree, and a
 * 16-SCX Gossamer mesh whose SCXs have random inbound capacities (paths and bottlenecks as the mesh makes them).
 * About 2-7 s of wall clock (the two 90-s streams).
 */

import { Random } from '../../src/core/random.ts';
import type { Millis } from '../../src/core/time.ts';
import { LayeredModule, layered } from '../../src/services/layered/layered.ts';
import { layerPayload } from '../../src/services/layered/layer.ts';
import type { DataPacket } from '../../src/session/data-header.ts';
import { SimDataPlane } from '../../src/sim/dataplane.ts';
import { SimLinkWires } from '../../src/sim/link-wires.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import type { Row } from './row.ts';

/** Layers the source sends, and packets/s of each. */
const LAYERS = 4;
const PER_SECOND = 40;
/** Payload bytes per packet (the layer byte included), and a packet's bytes on the wire. */
const PAYLOAD = 1000;
const PACKET_BYTES = PAYLOAD + 40;
/** Bytes/s of one layer. */
export const LAYER_RATE = PER_SECOND * PACKET_BYTES;
/** A receiver window, ms; a layer counts as received in a window when this share of its packets came. */
const WINDOW_MS = 1000;
const RECEIVED = 0.9;
/** A receiver has reached its layers at the end of the first of HOLD_WINDOWS windows in a row with all of them. */
const HOLD_WINDOWS = 5;
/** The goal: every receiver at its supported layers within this long of the stream's start, ms. */
const REACH_MS = 10_000;

/** A tree to stream over. */
export interface LayeredTree {
  readonly scxCount: number;
  readonly latencyMs: (i: number, j: number) => number;
  /** Capacity of the overlay link i -> j, bytes/s; undefined: unlimited. */
  readonly capacity: (i: number, j: number) => number | undefined;
  /** The source SCX. */
  readonly source: number;
}

/** What one receiver saw. */
export interface ReceiverResult {
  readonly scx: number;
  /** Layers its path supports at the end: the whole layers its path's narrowest link carries. */
  readonly supported: number;
  /** Layers it got in full (RECEIVED of each, from the base up) in each window. */
  readonly layersByWindow: readonly number[];
  /**
   * Ms from the stream's start to the end of the first of HOLD_WINDOWS windows in a row in which it got all the layers
   * its path then supported; undefined: never.
   */
  readonly reachMs: number | undefined;
  /** Share of the windows after REACH_MS with exactly the layers its path then supported. */
  readonly steady: number;
  /** Base-layer packets sent from its first one (but the last second's), and how many of them it missed. */
  readonly baseSent: number;
  readonly baseLost: number;
  /** Times its layer count changed per minute after REACH_MS. */
  readonly changesPerMinute: number;
}

/** What a run measured. */
export interface LayeredResult {
  readonly receivers: readonly ReceiverResult[];
  /** Layer changes of the SCXs' links per link per minute after REACH_MS (module counters). */
  readonly linkChangesPerMinute: number;
  /**
   * Bottleneck links (tree links that carry fewer layers than their upstream SCX gets): how many, and the longest
   * any took from becoming one (sampled each window) to the module's setting at the layers it carries, ms
   * (undefined: one never got there).
   */
  readonly bottleneckLinks: number;
  readonly bottleneckSettleMs: number | undefined;
  /** Share of the bottleneck links' samples after REACH_MS with a layer more than they carry (a probe on). */
  readonly probingShare: number;
}

/** The stream starts once routes are up, and runs this long, ms. */
const SEND_FROM = 10_000;

/** Streams `streamMs` of layered data over `tree` and measures every receiver. */
export function runLayered(tree: LayeredTree, seed: number, streamMs: number): LayeredResult {
  let plane: SimDataPlane | undefined;
  const sim = new Simulation({ scxCount: tree.scxCount, latencyMs: tree.latencyMs, rendezvous: [tree.source], seed, onEvent: (i, ev, now) => plane?.onEvent(i, ev, now) });
  const wires = new SimLinkWires(sim, tree.capacity);
  const windows = Math.ceil(streamMs / WINDOW_MS);
  /** got[i][w][layer]: packets of the layer SCX i got that were sent in window w. */
  const got = Array.from({ length: tree.scxCount }, () => Array.from({ length: windows }, () => new Array<number>(LAYERS).fill(0)));
  const baseGot = Array.from({ length: tree.scxCount }, () => new Set<number>());
  const onDeliver = (i: number, p: DataPacket): void => {
    const w = Math.floor((p.header.timestampMs - SEND_FROM) / WINDOW_MS);
    const layer = p.bytes[p.payloadOffset] as number;
    const row = got[i]?.[w];
    if (row) row[layer]!++;
    if (layer === 0) baseGot[i]!.add(p.header.seq);
  };
  plane = new SimDataPlane(sim, { factory: layered, channel: 1, sessionId: new Uint8Array(16), latencyMs: tree.latencyMs, wires, onDeliver });
  const dp = plane;
  for (let i = 0; i < tree.scxCount; i++) sim.join(i, i * 200, i === tree.source);
  const payloads = Array.from({ length: LAYERS }, (_, k) => layerPayload(k, new Uint8Array(PAYLOAD - 1)));
  const baseSeqs: Array<{ seq: number; at: Millis }> = [];
  let seq = 0;
  const phase = new Random(seed).next() * (1000 / PER_SECOND);
  for (let t = SEND_FROM + phase; t < SEND_FROM + streamMs; t += 1000 / PER_SECOND) {
    sim.at(t, () => {
      for (let k = 0; k < LAYERS; k++) {
        if (k === 0) baseSeqs.push({ seq, at: sim.now });
        dp.send(tree.source, payloads[k]);
        seq++;
      }
    });
  }
  const changesAt = (): number => {
    let n = 0;
    for (let i = 0; i < tree.scxCount; i++) n += (dp.runtime(i).module as LayeredModule).layerChanges;
    return n;
  };
  let changesBefore = 0;
  sim.at(SEND_FROM + REACH_MS, () => (changesBefore = changesAt()));
  /** supportedAt[w][i]: layers SCX i's path supported in the middle of window w (routes may change). */
  const supportedAt: number[][] = [];
  /** Samples of the bottleneck links' settings: the module's layers on a tree link that carries fewer than it gets. */
  const samples: Array<{ readonly link: string; readonly w: number; readonly setting: number; readonly carried: number }> = [];
  const source = sim.nodes[tree.source]!.self;
  for (let w = 0; w < windows; w++) {
    sim.at(SEND_FROM + (w + 0.5) * WINDOW_MS, () => {
      const supported = pathBottlenecks(sim, tree).map((c) => Math.min(LAYERS, Math.floor(c / LAYER_RATE)));
      supportedAt.push(supported);
      sim.nodes.forEach((node, j) => {
        const i = sim.index(node.upstream(source) ?? '');
        const cap = i === undefined ? undefined : tree.capacity(i, j);
        if (i === undefined || cap === undefined || Math.floor(cap / LAYER_RATE) >= (supported[i] as number)) return;
        const setting = (dp.runtime(i).module as LayeredModule).layersOn(node.self) ?? LAYERS;
        samples.push({ link: `${i}>${j}`, w, setting: Math.min(LAYERS, setting), carried: Math.floor(cap / LAYER_RATE) });
      });
    });
  }
  sim.runUntil(SEND_FROM + streamMs + 2000);
  const minutes = (streamMs - REACH_MS) / 60_000;
  const receivers: ReceiverResult[] = [];
  for (let i = 0; i < tree.scxCount; i++) {
    if (i === tree.source) continue;
    const supportedByWindow = supportedAt.map((row) => row[i] as number);
    const layersByWindow = (got[i] as number[][]).map((row) => {
      let n = 0;
      while (n < LAYERS && (row[n] as number) >= RECEIVED * PER_SECOND * (WINDOW_MS / 1000)) n++;
      return n;
    });
    const atSupported = (w: number): boolean => (layersByWindow[w] as number) >= (supportedByWindow[w] as number);
    const first = layersByWindow.findIndex((_, w) => w + HOLD_WINDOWS <= windows && Array.from({ length: HOLD_WINDOWS }, (_, k) => w + k).every(atSupported));
    const reachMs = first < 0 ? undefined : (first + 1) * WINDOW_MS;
    const after = layersByWindow.slice(REACH_MS / WINDOW_MS);
    const steady = after.filter((n, w) => n === supportedByWindow[w + REACH_MS / WINDOW_MS]).length / Math.max(1, after.length);
    // Base loss counts from the receiver's first packet: before it, it had no route yet.
    const from = sentAtOfFirst(baseSeqs, baseGot[i] as Set<number>);
    const measured = baseSeqs.filter((b) => b.at >= from && b.at < SEND_FROM + streamMs - 1000);
    const baseLost = measured.filter((b) => !baseGot[i]!.has(b.seq)).length;
    let changes = 0;
    for (let w = REACH_MS / WINDOW_MS + 1; w < layersByWindow.length - 1; w++) if (layersByWindow[w] !== layersByWindow[w - 1]) changes++;
    receivers.push({ scx: i, supported: supportedByWindow.at(-1) as number, layersByWindow, reachMs, steady, baseSent: measured.length, baseLost, changesPerMinute: changes / minutes });
  }
  let links = 0;
  for (let i = 0; i < tree.scxCount; i++) links += sim.nodes[i]!.downstream(source).length;
  // Per link: its first sample (it became a bottleneck on the tree then) and its first one at the carried layers.
  const firstSeen = new Map<string, number>();
  const settled = new Map<string, number | undefined>();
  for (const x of samples) {
    if (!firstSeen.has(x.link)) firstSeen.set(x.link, x.w);
    if (settled.get(x.link) === undefined) settled.set(x.link, x.setting === x.carried ? (x.w - (firstSeen.get(x.link) as number) + 1) * WINDOW_MS : undefined);
  }
  const late = samples.filter((x) => x.w >= REACH_MS / WINDOW_MS);
  return {
    receivers,
    linkChangesPerMinute: (changesAt() - changesBefore) / Math.max(1, links) / minutes,
    bottleneckSettleMs: [...settled.values()].reduce<number | undefined>((a, b) => (a === undefined || b === undefined ? undefined : Math.max(a, b)), 0),
    bottleneckLinks: settled.size,
    probingShare: late.filter((x) => x.setting > x.carried).length / Math.max(1, late.length),
  };
}

/** When the first base packet `got` has was sent (Infinity: none came). */
function sentAtOfFirst(sent: ReadonlyArray<{ seq: number; at: Millis }>, got: ReadonlySet<number>): Millis {
  return sent.find((b) => got.has(b.seq))?.at ?? Infinity;
}

/** The narrowest capacity on each SCX's path from the source at the end of the run, bytes/s (Infinity: unlimited). */
function pathBottlenecks(sim: Simulation, tree: LayeredTree): number[] {
  const source = sim.nodes[tree.source]!.self;
  return sim.nodes.map((_, i) => {
    let narrowest = Infinity;
    for (let at = i, hops = 0; at !== tree.source && hops < tree.scxCount; hops++) {
      const up = sim.nodes[at]!.upstream(source);
      const j = up === undefined ? undefined : sim.index(up);
      if (j === undefined) return 0;
      narrowest = Math.min(narrowest, tree.capacity(j, at) ?? Infinity);
      at = j;
    }
    return narrowest;
  });
}

/**
 * The fixed tree: 0 (source) -> 1; 1 -> 2 carries 1.5 layers, 1 -> 3 carries 3.5; 3 -> 4 carries 2.5, 3 -> 5 is
 * unlimited. Supported: SCX 1 four layers, 2 one, 3 three, 4 two, 5 three. Tree edges 5 ms, other pairs 40 ms.
 */
export function fixedTree(): LayeredTree {
  const edges: Record<string, number | undefined> = { '0-1': undefined, '1-2': 1.5, '1-3': 3.5, '3-4': 2.5, '3-5': undefined };
  const isEdge = (i: number, j: number): boolean => `${Math.min(i, j)}-${Math.max(i, j)}` in edges;
  return {
    scxCount: 6,
    source: 0,
    latencyMs: (i, j) => (isEdge(i, j) ? 5 : 40),
    capacity: (i, j) => {
      const c = i < j ? edges[`${i}-${j}`] : undefined;
      return c === undefined ? undefined : c * LAYER_RATE;
    },
  };
}

/**
 * A 16-SCX mesh at random points of a plane (latency 1 ms + distance / 2): every SCX but the source has an inbound
 * capacity of 1.5, 2.5, 3.5 or unlimited layers (seeded); each path's narrowest link decides what it supports.
 */
export function randomTree(seed: number): LayeredTree {
  const rng = new Random(seed);
  const n = 16;
  const pos = Array.from({ length: n }, () => [rng.range(0, 100), rng.range(0, 100)] as const);
  const choices = [1.5, 2.5, 3.5, undefined];
  const inbound = pos.map((_, i) => (i === 0 ? undefined : choices[Math.floor(rng.next() * choices.length)]));
  return {
    scxCount: n,
    source: 0,
    latencyMs: (i, j) => 1 + Math.hypot(pos[i]![0] - pos[j]![0], pos[i]![1] - pos[j]![1]) / 2,
    capacity: (_i, j) => {
      const c = inbound[j];
      return c === undefined ? undefined : c * LAYER_RATE;
    },
  };
}

/** The rows of one tree's run. */
function rowsOf(name: string, r: LayeredResult): Row[] {
  const late = r.receivers.filter((x) => x.reachMs === undefined || x.reachMs > REACH_MS);
  const baseSent = r.receivers.reduce((n, x) => n + x.baseSent, 0);
  const baseLost = r.receivers.reduce((n, x) => n + x.baseLost, 0);
  const reach = r.receivers.map((x) => `${x.scx}:${x.supported}@${x.reachMs === undefined ? 'never' : (x.reachMs / 1000).toFixed(0) + 's'}`).join(' ');
  const worst = Math.max(...r.receivers.map((x) => x.changesPerMinute));
  const steady = Math.min(...r.receivers.map((x) => x.steady));
  return [
    {
      figure: `layered, ${name}: receivers at the layers their path supports (scx:layers@when)`,
      value: `${r.receivers.length - late.length}/${r.receivers.length} within 10 s; ${reach}`,
      goal: 'all within 10 s',
      pass: late.length === 0,
    },
    {
      figure: `layered, ${name}: bottleneck links: module setting at the layers the link carries, after (worst link)`,
      value: `${r.bottleneckLinks} links, the slowest after ${r.bottleneckSettleMs === undefined ? 'never' : `${(r.bottleneckSettleMs / 1000).toFixed(1)} s`}; probing a layer above ${(r.probingShare * 100).toFixed(0)}% of the time after 10 s`,
      goal: 'within 10 s',
      pass: r.bottleneckLinks > 0 && r.bottleneckSettleMs !== undefined && r.bottleneckSettleMs <= REACH_MS,
    },
    {
      figure: `layered, ${name}: share of 1-s windows after 10 s at exactly the supported layers (worst receiver)`,
      value: `${(steady * 100).toFixed(0)}%`,
      goal: 'reported',
      pass: undefined,
    },
    {
      figure: `layered, ${name}: base-layer loss, all receivers`,
      value: `${baseLost} of ${baseSent} packets`,
      goal: '0',
      pass: baseLost === 0,
    },
    {
      figure: `layered, ${name}: layer changes per minute after 10 s (per receiver worst / per link, module)`,
      value: `${worst.toFixed(1)} / ${r.linkChangesPerMinute.toFixed(1)}`,
      goal: 'reported',
      pass: undefined,
    },
  ];
}

/** The layered section. */
export async function run(opts: { seed: number; onProgress?: (msg: string) => void }): Promise<Row[]> {
  opts.onProgress?.('layered: fixed six-SCX tree, bottlenecks of 1.5 / 2.5 / 3.5 layers, 90 s');
  const fixed = runLayered(fixedTree(), opts.seed, 90_000);
  opts.onProgress?.('layered: 16-SCX mesh with random inbound capacities, 90 s');
  const mesh = runLayered(randomTree(opts.seed), opts.seed, 90_000);
  return [...rowsOf('fixed tree', fixed), ...rowsOf('16-SCX mesh', mesh)];
}
