import { pathLinks, shortestPaths, type ShortestPaths } from '../topology/dijkstra.ts';
import type { Underlay } from '../topology/graph.ts';

/** How many copies of one data packet each physical link carries. */
export interface LinkCopies {
  /** Copies per underlay link id. */
  readonly copies: Int32Array;
  /** The busiest link's copies. */
  readonly max: number;
  /** histogram[k] = number of links carrying exactly k copies (k >= 1). */
  readonly histogram: number[];
}

/**
 * Copies per physical link when each overlay edge (parent router -> child router) is sent as unicast along the
 * underlay's shortest path. `edges` lists [fromRouter, toRouter] pairs.
 */
export function linkCopies(underlay: Underlay, edges: ReadonlyArray<readonly [number, number]>): LinkCopies {
  const copies = new Int32Array(underlay.linkCount);
  const trees = new Map<number, ShortestPaths>();
  for (const [from, to] of edges) {
    let sp = trees.get(from);
    if (!sp) {
      sp = shortestPaths(underlay, from);
      trees.set(from, sp);
    }
    for (const link of pathLinks(sp, to)) copies[link] = (copies[link] as number) + 1;
  }
  let max = 0;
  for (const c of copies) if (c > max) max = c;
  const histogram = new Array<number>(max + 1).fill(0);
  for (const c of copies) if (c > 0) histogram[c] = (histogram[c] as number) + 1;
  return { copies, max, histogram };
}

/** The overlay tree's edges as router pairs (parent -> child) for `linkCopies`. */
export function treeEdges(parent: Int32Array, routerOf: Int32Array): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < parent.length; i++) {
    const p = parent[i] as number;
    if (p >= 0) edges.push([routerOf[p] as number, routerOf[i] as number]);
  }
  return edges;
}

/** A unicast star: the source sends one copy straight to every other SCX. */
export function starEdges(source: number, routerOf: Int32Array): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < routerOf.length; i++) if (i !== source) edges.push([routerOf[source] as number, routerOf[i] as number]);
  return edges;
}
