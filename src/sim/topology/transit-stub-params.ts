import { ErrorCode, ScError } from '../../core/errors.ts';

/** GT-ITM transit-stub parameters; every level uses the pure-random edge rule. */
export interface TransitStubParams {
  /** T: transit domains (nodes of the top-level graph). */
  readonly transitDomains: number;
  /** Nt: mean routers per transit domain. */
  readonly routersPerTransit: number;
  /** K: mean stub domains per transit router. */
  readonly stubsPerTransitRouter: number;
  /** Ns: mean routers per stub domain. */
  readonly routersPerStub: number;
  /** Link probability between transit domains at the top level. */
  readonly topAlpha: number;
  /** Link probability between routers of one transit domain. */
  readonly transitAlpha: number;
  /** Link probability between routers of one stub domain. */
  readonly stubAlpha: number;
}

/** Grid sides (grid units = ms) used by the transit-stub construction. */
export interface TransitStubGrid {
  /** Side of the whole grid, G = round(sqrt(80 N)). */
  readonly gridSize: number;
  /** Side of a transit domain's square: round(G / 2), rounded up to even. */
  readonly transitSquare: number;
  /** Side of a stub domain's square: round(sqrt(16 * maxStubNodes)). */
  readonly stubSquare: number;
}

/** Total routers N = T * Nt * (1 + K * Ns). */
export function transitStubRouterCount(p: TransitStubParams): number {
  return p.transitDomains * p.routersPerTransit * (1 + p.stubsPerTransitRouter * p.routersPerStub);
}

/** GT-ITM's grid sizes for these parameters (283, 142, 59 for the 1000-router setting). */
export function transitStubGrid(p: TransitStubParams): TransitStubGrid {
  const gridSize = Math.round(Math.sqrt(transitStubRouterCount(p) * 80));
  let transitSquare = Math.round(0.5 * gridSize);
  if (transitSquare % 2 !== 0) transitSquare++;
  const maxTransitNodes = p.routersPerTransit + 3 * p.transitDomains;
  const maxStubs = p.stubsPerTransitRouter + 3 * maxTransitNodes;
  const maxStubNodes = p.routersPerStub + 3 * maxStubs;
  const stubSquare = Math.round(Math.sqrt(16 * maxStubNodes));
  return { gridSize, transitSquare, stubSquare };
}

// The paper's 1000-router shape, and the mean degree alpha * (n - 1) it gives at each level.
const PAPER_K = 3;
const PAPER_NS = 8;
const PAPER_NT_PER_T = 2.5; // Nt / T = 10 / 4
const TOP_DEGREE = 3; // T = 4, alpha 1.0
const TRANSIT_DEGREE = 4.5; // Nt = 10, alpha 0.5
const STUB_DEGREE = 3.5; // Ns = 8, alpha 0.5
const K_RANGE = [1, 6] as const;
const NS_RANGE = [4, 16] as const;
const NT_PER_T_RANGE = [0.5, 12.5] as const;

/**
 * Transit-stub parameters for about `routers` routers. 1000 gives the paper's T=4, Nt=10, K=3, Ns=8 with alphas
 * 1.0 / 0.5 / 0.5. Other sizes keep the paper's shape as closely as the formula N = T*Nt*(1+K*Ns) allows: among
 * K in 1..6, Ns in 4..16 and Nt/T within a factor 5 of 2.5, pick the exact factorisation that stays closest (in
 * log ratio) to K=3, Ns=8, Nt/T=2.5, so T and Nt both grow with N (10000 routers: T=10, Nt=40, K=3, Ns=8).
 * When no factorisation hits N exactly (for example N prime), the nearest achievable count is used (ties: the
 * better shape, then the smaller count); check transitStubRouterCount on the result. Each alpha is chosen so
 * the mean degree at its level, alpha*(n-1), stays what it is in the paper's setting (3 / 4.5 / 3.5), capped at
 * 1: a larger top level is then a sparse random graph rather than a full mesh of transit domains.
 */
export function transitStubParamsFor(routers: number): TransitStubParams {
  if (!Number.isInteger(routers) || routers < 1) {
    throw new ScError(ErrorCode.CONFIG_INVALID, `transit-stub router count ${routers} must be a positive integer`);
  }
  for (let d = 0; d <= routers + 1000; d++) {
    const below = routers - d >= 1 ? bestShape(routers - d) : undefined;
    const above = d > 0 ? bestShape(routers + d) : undefined;
    const best = below && (!above || below.penalty <= above.penalty) ? below : above;
    if (best) return withAlphas(best);
  }
  throw new ScError(ErrorCode.CONFIG_INVALID, `no transit-stub shape near ${routers} routers`);
}

interface Shape {
  readonly t: number;
  readonly nt: number;
  readonly k: number;
  readonly ns: number;
  readonly penalty: number;
}

/** The best-shaped exact factorisation of `count`, if any within the allowed ranges. */
function bestShape(count: number): Shape | undefined {
  let best: Shape | undefined;
  for (let k = K_RANGE[0]; k <= K_RANGE[1]; k++) {
    for (let ns = NS_RANGE[0]; ns <= NS_RANGE[1]; ns++) {
      const block = 1 + k * ns;
      if (count % block !== 0) continue;
      const transitRouters = count / block;
      for (let t = 1; t <= transitRouters; t++) {
        if (transitRouters % t !== 0) continue;
        const nt = transitRouters / t;
        const ratio = nt / t;
        if (ratio < NT_PER_T_RANGE[0] || ratio > NT_PER_T_RANGE[1]) continue;
        const penalty =
          2 * Math.abs(Math.log(k / PAPER_K)) +
          2 * Math.abs(Math.log(ns / PAPER_NS)) +
          Math.abs(Math.log(ratio / PAPER_NT_PER_T));
        if (!best || penalty < best.penalty) best = { t, nt, k, ns, penalty };
      }
    }
  }
  return best;
}

function withAlphas(s: Shape): TransitStubParams {
  const alphaFor = (degree: number, n: number): number => (n <= 1 ? 1 : Math.min(1, degree / (n - 1)));
  return {
    transitDomains: s.t,
    routersPerTransit: s.nt,
    stubsPerTransitRouter: s.k,
    routersPerStub: s.ns,
    topAlpha: alphaFor(TOP_DEGREE, s.t),
    transitAlpha: alphaFor(TRANSIT_DEGREE, s.nt),
    stubAlpha: alphaFor(STUB_DEGREE, s.ns),
  };
}
