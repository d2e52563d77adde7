import { ErrorCode, ScError } from '../../core/errors.ts';
import type { Random } from '../../core/random.ts';
import { flatRandomGraph } from './flat.ts';
import { UnderlayBuilder, type Underlay } from './graph.ts';

/** Parameters of a flat Waxman underlay; omitted fields take the documented defaults. */
export interface WaxmanParams {
  /** Number of routers (at least 1). */
  readonly routers: number;
  /** Peak link probability; default: waxmanAlphaFor(routers, beta, WAXMAN_TARGET_DEGREE). */
  readonly alpha?: number;
  /** Distance decay relative to the grid diagonal; default WAXMAN_DEFAULT_BETA. */
  readonly beta?: number;
  /** Grid side in ms; default round(sqrt(80 * routers)), GT-ITM's whole-grid size, so latencies match transit-stub. */
  readonly scale?: number;
}

/** Default Waxman beta. */
export const WAXMAN_DEFAULT_BETA = 0.2;

/** Mean router degree the default alpha aims at. */
export const WAXMAN_TARGET_DEGREE = 4;

/**
 * The alpha giving an expected mean degree `degree` for `routers` uniform points (capped at 1). A fixed alpha
 * cannot do that across sizes, since the mean degree is about alpha * (n - 1) * E[exp(-d / (beta L))]: with
 * beta 0.2 and degree 4 it is about 0.18 for 100 routers, 0.036 for 500 and 0.018 for 1000 (a fixed 0.15 would
 * give degree ~3.3 at 100 routers but ~33 at 1000).
 */
export function waxmanAlphaFor(routers: number, beta: number, degree: number): number {
  if (routers <= 1) return 1;
  return Math.min(1, degree / ((routers - 1) * meanWaxmanFactor(beta)));
}

/**
 * A connected flat Waxman graph: routers at distinct grid points, each pair linked with probability
 * alpha * exp(-d / (beta * sqrt(2) * scale)), latency = rounded distance (min 1 ms). At mean degree ~4 a pure
 * Waxman draw of hundreds of routers almost always has isolated routers, so rejection sampling would not end;
 * instead the components of one draw are joined by the shortest possible extra links (a minimum spanning tree
 * over components), which adds only a handful of links.
 */
export function waxman(params: WaxmanParams, rng: Random): Underlay {
  const { routers } = params;
  if (!Number.isInteger(routers) || routers < 1) {
    throw new ScError(ErrorCode.TOPOLOGY_INVALID, `waxman: router count ${routers} must be a positive integer`);
  }
  const beta = params.beta ?? WAXMAN_DEFAULT_BETA;
  const alpha = params.alpha ?? waxmanAlphaFor(routers, beta, WAXMAN_TARGET_DEGREE);
  const scale = params.scale ?? Math.max(1, Math.round(Math.sqrt(80 * routers)));
  const flat = flatRandomGraph({ nodes: routers, scale, rule: { kind: 'waxman', alpha, beta }, connect: 'bridge' }, rng);
  const builder = new UnderlayBuilder(`waxman(${routers})`, routers);
  for (const l of flat.links) builder.addLink(l.a, l.b, l.lengthMs);
  return builder.build();
}

/**
 * E[exp(-d / (beta * sqrt 2))] for d the distance between two uniform points of the unit square, by Simpson's
 * rule over the known density of d.
 */
function meanWaxmanFactor(beta: number): number {
  const steps = 2000; // even
  const hi = Math.SQRT2;
  const h = hi / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const d = i * h;
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * unitSquareDistanceDensity(d) * Math.exp(-d / (beta * Math.SQRT2));
  }
  return (sum * h) / 3;
}

/** Density of the distance between two uniform points of the unit square. */
function unitSquareDistanceDensity(d: number): number {
  if (d <= 1) return 2 * d * (Math.PI - 4 * d + d * d);
  if (d >= Math.SQRT2) return 0;
  return 2 * d * (4 * Math.sqrt(d * d - 1) - (d * d + 2 - Math.PI) - 4 * Math.acos(1 / d));
}
