import type { Underlay } from './graph.ts';
import { IndexedMinHeap } from './min-heap.ts';

/** Single-source shortest-path tree: distances (ms) and each node's predecessor link and node. */
export interface ShortestPaths {
  /** The source node. */
  readonly source: number;
  /** Latency of the shortest path from the source, Infinity when unreached. */
  readonly distMs: Float64Array;
  /** Last link on the path to each node; -1 at the source and at unreached nodes. */
  readonly predLink: Int32Array;
  /** Previous node on the path to each node; -1 at the source and at unreached nodes. */
  readonly predNode: Int32Array;
}

/**
 * Dijkstra from `source`. Deterministic: nodes settle in (distance, node id) order, and among equally short
 * paths a node's predecessor is the neighbour with the smallest id (with zero-latency links: the smallest among
 * those settled before it). Result does not depend on link order.
 */
export function shortestPaths(g: Underlay, source: number): ShortestPaths {
  const n = g.nodeCount;
  if (!Number.isInteger(source) || source < 0 || source >= n) {
    throw new RangeError(`source ${source} out of range 0..${n - 1} in ${g.name}`);
  }
  const distMs = new Float64Array(n).fill(Infinity);
  const predLink = new Int32Array(n).fill(-1);
  const predNode = new Int32Array(n).fill(-1);
  const settled = new Uint8Array(n);
  const { offsets, targets, arcLink, linkLatencyMs } = g;
  const heap = new IndexedMinHeap(n);
  distMs[source] = 0;
  heap.pushOrDecrease(source, 0);
  while (heap.size > 0) {
    const u = heap.pop();
    settled[u] = 1;
    const du = distMs[u]!;
    for (let arc = offsets[u]!, end = offsets[u + 1]!; arc < end; arc++) {
      const v = targets[arc]!;
      if (settled[v]) continue;
      const link = arcLink[arc]!;
      const dv = du + linkLatencyMs[link]!;
      const old = distMs[v]!;
      if (dv < old || (dv === old && u < predNode[v]!)) {
        distMs[v] = dv;
        predLink[v] = link;
        predNode[v] = u;
        heap.pushOrDecrease(v, dv);
      }
    }
  }
  return { source, distMs, predLink, predNode };
}

/** Link ids along the shortest path from the source to `target` (empty when target is the source). */
export function pathLinks(sp: ShortestPaths, target: number): number[] {
  checkReached(sp, target);
  const links: number[] = [];
  for (let v = target; v !== sp.source; v = sp.predNode[v]!) links.push(sp.predLink[v]!);
  return links.reverse();
}

/** Node ids along the shortest path, from the source to `target` inclusive. */
export function pathNodes(sp: ShortestPaths, target: number): number[] {
  checkReached(sp, target);
  const nodes: number[] = [target];
  for (let v = target; v !== sp.source; ) {
    v = sp.predNode[v]!;
    nodes.push(v);
  }
  return nodes.reverse();
}

/** Mean shortest-path latency (ms) over ordered pairs of distinct mutually reachable nodes; NaN without pairs. */
export function meanShortestPathMs(g: Underlay): number {
  let sum = 0;
  let pairs = 0;
  for (let s = 0; s < g.nodeCount; s++) {
    const { distMs } = shortestPaths(g, s);
    for (let t = 0; t < g.nodeCount; t++) {
      const d = distMs[t]!;
      if (t !== s && d !== Infinity) {
        sum += d;
        pairs++;
      }
    }
  }
  return pairs === 0 ? NaN : sum / pairs;
}

function checkReached(sp: ShortestPaths, target: number): void {
  const n = sp.distMs.length;
  if (!Number.isInteger(target) || target < 0 || target >= n) {
    throw new RangeError(`target ${target} out of range 0..${n - 1}`);
  }
  if (sp.distMs[target] === Infinity) throw new RangeError(`node ${target} is unreachable from ${sp.source}`);
}
