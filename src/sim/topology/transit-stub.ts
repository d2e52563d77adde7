import { ErrorCode, ScError } from '../../core/errors.ts';
import type { Random } from '../../core/random.ts';
import { flatRandomGraph, gridLengthMs, type FlatGraph } from './flat.ts';
import { UnderlayBuilder, type Underlay } from './graph.ts';
import { transitStubGrid, transitStubRouterCount, type TransitStubParams } from './transit-stub-params.ts';

export {
  transitStubGrid,
  transitStubParamsFor,
  transitStubRouterCount,
  type TransitStubGrid,
  type TransitStubParams,
} from './transit-stub-params.ts';

/**
 * A GT-ITM transit-stub graph (see shared/notes/transit-stub.md). Node ids: all transit routers first (domain by
 * domain), then stub routers (stub by stub, in transit-router order). Labels: "T<domain>.<router>" for transit
 * routers, "S<domain>.<router>.<stub>.<i>" for routers of a stub hanging off transit router <domain>.<router>.
 * Link latency = rounded grid distance (min 1 ms).
 */
export function transitStub(params: TransitStubParams, rng: Random): Underlay {
  checkParams(params);
  const { transitDomains: t, routersPerTransit: nt, stubsPerTransitRouter: k, routersPerStub: ns } = params;
  const total = transitStubRouterCount(params);
  const { gridSize: g, transitSquare, stubSquare } = transitStubGrid(params);

  const domainSizes = jitteredSizes(t, nt, rng);
  const stubCounts = jitteredSizes(t * nt, k, rng);
  const stubSizes = jitteredSizes(t * nt * k, ns, rng);

  const x = new Int32Array(total);
  const y = new Int32Array(total);
  const labels: string[] = [];
  const links: Array<[number, number, number]> = [];
  const addFlat = (flat: FlatGraph, base: number, label: (i: number) => string): void => {
    for (let i = 0; i < flat.x.length; i++) {
      x[base + i] = flat.x[i]!;
      y[base + i] = flat.y[i]!;
      labels.push(label(i));
    }
    for (const l of flat.links) links.push([base + l.a, base + l.b, l.lengthMs]);
  };
  const link = (a: number, b: number): void => {
    links.push([a, b, gridLengthMs(x[a]!, y[a]!, x[b]!, y[b]!)]);
  };

  // Top level, then one transit domain per top-level point, its square centred there and clamped to the grid.
  const top = flatRandomGraph({ nodes: t, scale: g, rule: { kind: 'pure-random', alpha: params.topAlpha } }, rng);
  const domainStart: number[] = [];
  let next = 0;
  for (let d = 0; d < t; d++) {
    domainStart.push(next);
    const flat = flatRandomGraph(
      {
        nodes: domainSizes[d]!,
        scale: transitSquare,
        originX: clamp(top.x[d]! - transitSquare / 2, 0, g - transitSquare),
        originY: clamp(top.y[d]! - transitSquare / 2, 0, g - transitSquare),
        rule: { kind: 'pure-random', alpha: params.transitAlpha },
      },
      rng,
    );
    addFlat(flat, next, (i) => `T${d}.${i}`);
    next += flat.x.length;
  }
  domainStart.push(next);

  // Stubs: square origin near the transit router, attached by one link from a random stub router.
  let stub = 0;
  for (let d = 0; d < t; d++) {
    for (let r = 0; r < domainSizes[d]!; r++) {
      const router = domainStart[d]! + r;
      for (let s = 0; s < stubCounts[router]!; s++, stub++) {
        const flat = flatRandomGraph(
          {
            nodes: stubSizes[stub]!,
            scale: stubSquare,
            originX: stubOrigin(x[router]!, g, stubSquare, rng),
            originY: stubOrigin(y[router]!, g, stubSquare, rng),
            rule: { kind: 'pure-random', alpha: params.stubAlpha },
          },
          rng,
        );
        addFlat(flat, next, (i) => `S${d}.${r}.${s}.${i}`);
        link(next + rng.int(flat.x.length), router);
        next += flat.x.length;
      }
    }
  }

  // Inter-domain: each top-level link yields two transit-transit links with independent random endpoints.
  const randomRouterOf = (d: number): number => domainStart[d]! + rng.int(domainSizes[d]!);
  for (const { a, b } of top.links) {
    for (let twice = 0; twice < 2; twice++) link(randomRouterOf(a), randomRouterOf(b));
  }

  const builder = new UnderlayBuilder(`transit-stub(${total})`, total);
  for (const [a, b, ms] of links) builder.addLink(a, b, ms);
  return builder.build(labels);
}

/**
 * `count` sizes summing to count*mean: start at the mean, then 3*count times move one unit from a random entry
 * above 1 to a random entry (GT-ITM's size jitter).
 */
function jitteredSizes(count: number, mean: number, rng: Random): number[] {
  const sizes = new Array<number>(count).fill(mean);
  if (mean <= 1) return sizes;
  for (let i = 0; i < 3 * count; i++) {
    let from: number;
    do from = rng.int(count);
    while (sizes[from]! <= 1);
    sizes[from]!--;
    sizes[rng.int(count)]!++;
  }
  return sizes;
}

/** Uniform stub-square origin in [max(0, c - S), min(c, G - S)] (collapsed to its lower end if S > G). */
function stubOrigin(c: number, g: number, s: number, rng: Random): number {
  const lo = Math.max(0, c - s);
  const hi = Math.max(lo, Math.min(c, g - s));
  return rng.range(lo, hi);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}

function checkParams(p: TransitStubParams): void {
  const counts: Array<[string, number]> = [
    ['transitDomains', p.transitDomains],
    ['routersPerTransit', p.routersPerTransit],
    ['stubsPerTransitRouter', p.stubsPerTransitRouter],
    ['routersPerStub', p.routersPerStub],
  ];
  for (const [name, v] of counts) {
    const min = name === 'stubsPerTransitRouter' ? 0 : 1;
    if (!Number.isInteger(v) || v < min) {
      throw new ScError(ErrorCode.TOPOLOGY_INVALID, `transit-stub: ${name} ${v} must be an integer >= ${min}`);
    }
  }
  for (const [name, v] of [
    ['topAlpha', p.topAlpha],
    ['transitAlpha', p.transitAlpha],
    ['stubAlpha', p.stubAlpha],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new ScError(ErrorCode.TOPOLOGY_INVALID, `transit-stub: ${name} ${v} must be in [0, 1]`);
  }
}
