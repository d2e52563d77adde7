import { ErrorCode, ScError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import type { Millis } from '../core/time.ts';
import { pathBottleneckBps } from './topology/capacity.ts';
import { shortestPaths } from './topology/dijkstra.ts';
import type { Underlay } from './topology/graph.ts';

/** Where the SCXs of a simulated session sit, and who does what. */
export interface Placement {
  /** Router of each SCX (distinct routers). */
  readonly routerOf: Int32Array;
  /** One-way latency between SCX i and SCX j, row-major (scx x scx), ms. */
  readonly latencyMs: Float64Array;
  /** Indices of the rendezvous SCXs. */
  readonly rendezvous: readonly number[];
  /** Indices of the source SCXs. */
  readonly sources: readonly number[];
  /** When each SCX joins, ms (rendezvous at 0, the others uniformly within the join window). */
  readonly joinAtMs: Float64Array;
}

/** Options of `placeScxs`. */
export interface PlacementOptions {
  readonly scx: number;
  readonly sources: number;
  readonly rendezvous: number;
  /** Joins are spread uniformly over [0, this], ms. */
  readonly joinWindowMs: Millis;
}

/**
 * Puts SCXs on distinct random routers, computes their pairwise unicast latency (shortest path), and picks the
 * rendezvous SCXs (the first ones) and the sources (random SCXs).
 */
export function placeScxs(underlay: Underlay, options: PlacementOptions, rng: Random): Placement {
  const { scx, sources, rendezvous } = options;
  if (scx < 2) throw new ScError(ErrorCode.USAGE, `a session needs at least 2 SCXs, got ${scx}`);
  if (scx > underlay.nodeCount) {
    throw new ScError(ErrorCode.USAGE, `${scx} SCXs do not fit on ${underlay.nodeCount} routers of ${underlay.name}`);
  }
  if (sources < 1 || sources > scx) throw new ScError(ErrorCode.USAGE, `sources must be in 1..${scx}, got ${sources}`);
  if (rendezvous < 1 || rendezvous > scx) throw new ScError(ErrorCode.USAGE, `rendezvous must be in 1..${scx}, got ${rendezvous}`);
  const all = Array.from({ length: underlay.nodeCount }, (_, i) => i);
  const routerOf = Int32Array.from(rng.sample(all, scx));
  const latencyMs = new Float64Array(scx * scx);
  for (let i = 0; i < scx; i++) {
    const sp = shortestPaths(underlay, routerOf[i] as number);
    for (let j = 0; j < scx; j++) latencyMs[i * scx + j] = sp.distMs[routerOf[j] as number] as number;
  }
  const indices = Array.from({ length: scx }, (_, i) => i);
  const joinAtMs = new Float64Array(scx);
  for (let i = rendezvous; i < scx; i++) joinAtMs[i] = rng.next() * options.joinWindowMs;
  return {
    routerOf,
    latencyMs,
    rendezvous: indices.slice(0, rendezvous),
    sources: rng.sample(indices, sources).sort((a, b) => a - b),
    joinAtMs,
  };
}

/** Options of `overlayCapacities`. */
export interface OverlayCapacityOptions {
  /** Capacity of each underlay link, bits/s (topology/capacity.ts). */
  readonly linkBps: Float64Array;
  /** Each SCX's access link, bits/s (one for all, or one per SCX). */
  readonly accessBps: number | readonly number[];
  /** Pinned bottlenecks: the pair i-j (both directions) gets at most `bps`, bits/s. */
  readonly pins?: ReadonlyArray<{ readonly i: number; readonly j: number; readonly bps: number }>;
}

/** The capacity of every SCX pair, row-major (scx x scx), bits/s: the narrowest link between them, access links included. */
export function overlayCapacities(underlay: Underlay, placement: Placement, o: OverlayCapacityOptions): Float64Array {
  const n = placement.routerOf.length;
  const access = (i: number): number => (typeof o.accessBps === 'number' ? o.accessBps : (o.accessBps[i] ?? Infinity));
  const bps = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const sp = shortestPaths(underlay, placement.routerOf[i] as number);
    for (let j = 0; j < n; j++) {
      bps[i * n + j] = i === j ? Infinity : Math.min(access(i), access(j), pathBottleneckBps(sp, placement.routerOf[j] as number, o.linkBps));
    }
  }
  for (const { i, j, bps: pin } of o.pins ?? []) {
    if (!(i >= 0 && i < n && j >= 0 && j < n && i !== j && pin > 0)) throw new ScError(ErrorCode.USAGE, `a pinned bottleneck needs two distinct SCXs in 0..${n - 1} and a positive rate: ${i}-${j} at ${pin} bit/s`);
    bps[i * n + j] = Math.min(bps[i * n + j] as number, pin);
    bps[j * n + i] = Math.min(bps[j * n + i] as number, pin);
  }
  return bps;
}
