import { ErrorCode, ScError } from '../../core/errors.ts';

// Typed-array reads below use `!`: indices are in range by construction, and
// noUncheckedIndexedAccess would otherwise widen every read to `number | undefined`.

/** An immutable undirected weighted router graph in CSR form (treat every array as read-only). */
export interface Underlay {
  /** Human-readable name, e.g. "transit-stub(1000)" or "Colt". */
  readonly name: string;
  /** Number of routers; ids are 0..nodeCount-1. */
  readonly nodeCount: number;
  /** Number of undirected links; ids are 0..linkCount-1. */
  readonly linkCount: number;
  /** Link ends, 2*linkCount entries: [a0, b0, a1, b1, ...] with a < b. */
  readonly linkEnds: Int32Array;
  /** One-way latency of each link in milliseconds. */
  readonly linkLatencyMs: Float64Array;
  /** CSR row starts, nodeCount+1 entries: arcs of node v are offsets[v]..offsets[v+1]-1. */
  readonly offsets: Int32Array;
  /** Neighbour node of each arc (2*linkCount arcs). */
  readonly targets: Int32Array;
  /** Undirected link id of each arc. */
  readonly arcLink: Int32Array;
  /** Optional node names (GraphML labels, generator roles). */
  readonly labels?: readonly string[];
}

/** Collects links and freezes them into an Underlay; self loops are ignored, duplicate pairs keep the smaller latency. */
export class UnderlayBuilder {
  private readonly ends: number[] = [];
  private readonly latencies: number[] = [];
  private readonly linkOfPair = new Map<number, number>();

  /** Name given to the built Underlay. */
  readonly name: string;
  /** Number of nodes; ids are 0..nodeCount-1. */
  readonly nodeCount: number;

  /** Starts an empty graph with the given name and node count. */
  constructor(name: string, nodeCount: number) {
    this.name = name;
    this.nodeCount = nodeCount;
    if (!Number.isInteger(nodeCount) || nodeCount < 0) {
      throw new ScError(ErrorCode.TOPOLOGY_INVALID, `invalid node count ${nodeCount} for ${name}`);
    }
  }

  /** Number of distinct links added so far. */
  get linkCount(): number {
    return this.latencies.length;
  }

  /** Adds the undirected link a-b with the given latency (ms). */
  addLink(a: number, b: number, latencyMs: number): void {
    this.checkNode(a);
    this.checkNode(b);
    if (!Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new ScError(ErrorCode.TOPOLOGY_INVALID, `invalid latency ${latencyMs} ms on link ${a}-${b} in ${this.name}`);
    }
    if (a === b) return;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const pair = lo * this.nodeCount + hi;
    const existing = this.linkOfPair.get(pair);
    if (existing !== undefined) {
      if (latencyMs < this.latencies[existing]!) this.latencies[existing] = latencyMs;
      return;
    }
    this.linkOfPair.set(pair, this.latencies.length);
    this.ends.push(lo, hi);
    this.latencies.push(latencyMs);
  }

  /** Builds the CSR graph; arcs of each node appear in link-id order. */
  build(labels?: readonly string[]): Underlay {
    if (labels !== undefined && labels.length !== this.nodeCount) {
      throw new ScError(
        ErrorCode.TOPOLOGY_INVALID,
        `${this.name}: ${labels.length} labels for ${this.nodeCount} nodes`,
      );
    }
    const n = this.nodeCount;
    const m = this.latencies.length;
    const linkEnds = Int32Array.from(this.ends);
    const linkLatencyMs = Float64Array.from(this.latencies);
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < 2 * m; i++) offsets[linkEnds[i]! + 1]!++;
    for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
    const fill = offsets.slice(0, n);
    const targets = new Int32Array(2 * m);
    const arcLink = new Int32Array(2 * m);
    for (let l = 0; l < m; l++) {
      const a = linkEnds[2 * l]!;
      const b = linkEnds[2 * l + 1]!;
      const arcA = fill[a]!++;
      targets[arcA] = b;
      arcLink[arcA] = l;
      const arcB = fill[b]!++;
      targets[arcB] = a;
      arcLink[arcB] = l;
    }
    const underlay: Underlay = {
      name: this.name,
      nodeCount: n,
      linkCount: m,
      linkEnds,
      linkLatencyMs,
      offsets,
      targets,
      arcLink,
      ...(labels !== undefined ? { labels: Object.freeze(labels.slice()) } : {}),
    };
    return Object.freeze(underlay);
  }

  private checkNode(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v >= this.nodeCount) {
      throw new ScError(ErrorCode.TOPOLOGY_INVALID, `node ${v} out of range 0..${this.nodeCount - 1} in ${this.name}`);
    }
  }
}

/** Connected-component id of every node (numbered in order of their smallest node) and the component count. */
export function components(g: Underlay): { component: Int32Array; count: number } {
  const component = new Int32Array(g.nodeCount).fill(-1);
  const queue = new Int32Array(g.nodeCount);
  let count = 0;
  for (let start = 0; start < g.nodeCount; start++) {
    if (component[start] !== -1) continue;
    component[start] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const u = queue[head++]!;
      for (let arc = g.offsets[u]!; arc < g.offsets[u + 1]!; arc++) {
        const v = g.targets[arc]!;
        if (component[v] === -1) {
          component[v] = count;
          queue[tail++] = v;
        }
      }
    }
    count++;
  }
  return { component, count };
}

/** True when every node can reach every other (an empty or one-node graph counts as connected). */
export function isConnected(g: Underlay): boolean {
  return components(g).count <= 1;
}

/** The largest connected component (ties: the one holding the smallest node id), renumbered in old-id order. */
export function largestComponent(g: Underlay): { underlay: Underlay; kept: number[] } {
  const { component, count } = components(g);
  if (count <= 1) return { underlay: g, kept: Array.from({ length: g.nodeCount }, (_, v) => v) };
  const sizes = new Int32Array(count);
  for (let v = 0; v < g.nodeCount; v++) sizes[component[v]!]!++;
  let best = 0;
  for (let c = 1; c < count; c++) if (sizes[c]! > sizes[best]!) best = c;
  const kept: number[] = [];
  const newId = new Int32Array(g.nodeCount).fill(-1);
  for (let v = 0; v < g.nodeCount; v++) {
    if (component[v] === best) {
      newId[v] = kept.length;
      kept.push(v);
    }
  }
  const builder = new UnderlayBuilder(g.name, kept.length);
  for (let l = 0; l < g.linkCount; l++) {
    const a = newId[g.linkEnds[2 * l]!]!;
    if (a < 0) continue;
    builder.addLink(a, newId[g.linkEnds[2 * l + 1]!]!, g.linkLatencyMs[l]!);
  }
  const labels = g.labels;
  return { underlay: builder.build(labels && kept.map((v) => labels[v]!)), kept };
}
