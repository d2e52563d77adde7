/**
 * Link capacities of an underlay (bits/s), so simulated overlay links have a bandwidth: the capacity of an SCX pair
 * is the narrowest link on the unicast path between them, access links included. Generated transit-stub graphs get
 * capacities by role (their labels: `T…` transit, `S…` stub routers); other graphs get the stub capacity on every
 * link. Capacities are a model laid over the graph, drawn from no random stream, so runs without them are unchanged.
 */

import { pathLinks, type ShortestPaths } from './dijkstra.ts';
import type { Underlay } from './graph.ts';

/** Capacities by role, bits/s. */
export interface CapacityModel {
  /** Between two transit routers, bits/s (default 10 Gbit/s). */
  readonly transitBps: number;
  /** Between a transit and a stub router, bits/s (default 1 Gbit/s). */
  readonly uplinkBps: number;
  /** Between two stub routers, and every link of a graph without roles, bits/s (default 100 Mbit/s). */
  readonly stubBps: number;
  /** An SCX's own access link to its router, bits/s (default 100 Mbit/s). */
  readonly accessBps: number;
}

/** A wide-area mix: fat transit, gigabit uplinks, 100 Mbit/s stubs and access links. */
export const DEFAULT_CAPACITIES: CapacityModel = Object.freeze({ transitBps: 10e9, uplinkBps: 1e9, stubBps: 100e6, accessBps: 100e6 });

/** The capacity of each link of `u` by the roles of its ends, bits/s. */
export function linkCapacities(u: Underlay, model: CapacityModel = DEFAULT_CAPACITIES): Float64Array {
  const caps = new Float64Array(u.linkCount);
  const transit = (v: number): boolean => u.labels?.[v]?.startsWith('T') ?? false;
  const stub = (v: number): boolean => u.labels?.[v]?.startsWith('S') ?? false;
  for (let l = 0; l < u.linkCount; l++) {
    const a = u.linkEnds[2 * l] as number;
    const b = u.linkEnds[2 * l + 1] as number;
    if (transit(a) && transit(b)) caps[l] = model.transitBps;
    else if ((transit(a) && stub(b)) || (stub(a) && transit(b))) caps[l] = model.uplinkBps;
    else caps[l] = model.stubBps;
  }
  return caps;
}

/** The narrowest capacity on the shortest path from `sp`'s source to `target`, bits/s (Infinity for no link). */
export function pathBottleneckBps(sp: ShortestPaths, target: number, caps: Float64Array): number {
  let least = Infinity;
  for (const l of pathLinks(sp, target)) least = Math.min(least, caps[l] as number);
  return least;
}
