import { ErrorCode, ScError } from '../../core/errors.ts';
import type { Random } from '../../core/random.ts';
import type { Underlay } from './graph.ts';
import { loadGraphMlFile } from './graphml.ts';
import { transitStub, transitStubParamsFor } from './transit-stub.ts';
import { waxman } from './waxman.ts';

export { isConnected, largestComponent, UnderlayBuilder, type Underlay } from './graph.ts';
export { meanShortestPathMs, pathLinks, pathNodes, shortestPaths, type ShortestPaths } from './dijkstra.ts';
export { loadGraphMlFile, parseGraphMl, type GraphMlOptions } from './graphml.ts';
export { transitStub, transitStubParamsFor, transitStubRouterCount, type TransitStubParams } from './transit-stub.ts';
export { waxman, type WaxmanParams } from './waxman.ts';

/** Options for loadUnderlay: router count for generated graphs (ignored for GraphML) and the seeded PRNG. */
export interface LoadUnderlayOptions {
  /** Routers to generate (transit-stub may round to the nearest achievable count). */
  readonly routers: number;
  /** Random source for generated graphs. */
  readonly rng: Random;
}

/** The underlay named by `spec`: "transit-stub", "waxman", or a path ending in ".graphml". */
export function loadUnderlay(spec: string, opts: LoadUnderlayOptions): Underlay {
  if (spec === 'transit-stub') return transitStub(transitStubParamsFor(opts.routers), opts.rng);
  if (spec === 'waxman') return waxman({ routers: opts.routers }, opts.rng);
  if (spec.toLowerCase().endsWith('.graphml')) return loadGraphMlFile(spec);
  throw new ScError(
    ErrorCode.CONFIG_INVALID,
    `unknown topology "${spec}": expected transit-stub, waxman or a .graphml file path`,
  );
}
