import type { RouteAdvert, ScxId } from '../wire/messages.ts';

/** What the optimiser knows of one member of Lambda (a current out-neighbour, or the probed candidate). */
export interface CandidateView {
  readonly id: ScxId;
  /** Measured latency of the edge from this SCX to it, ms. */
  readonly linkCostMs: number;
  /** Its routing table, as it advertised it (STATUS, or ROUTE_UPDATEs for neighbours). */
  readonly routes: ReadonlyMap<ScxId, RouteAdvert>;
}

/** The decision of Fig. 4. */
export type OptimiseDecision = { readonly accept: false } | { readonly accept: true; readonly replace: ScxId };

/**
 * The cost function of Fig. 3 for every member of Lambda at once: for each source in this SCX's table, the cost
 * of routing to it via X, normalised by the largest such cost over Lambda, summed over sources. A member with
 * no route to a source scores the worst (1.0) for it, and so does one whose route runs through this SCX unless
 * `loopsScoreWorst` is false (then that route is costed as advertised). With no sources, the normalised edge cost.
 */
export function costFunction(self: ScxId, sources: readonly ScxId[], lambda: readonly CandidateView[], loopsScoreWorst = true): Map<ScxId, number> {
  const cf = new Map<ScxId, number>();
  for (const x of lambda) cf.set(x.id, 0);
  if (sources.length === 0) {
    const max = Math.max(...lambda.map((x) => x.linkCostMs));
    for (const x of lambda) cf.set(x.id, max > 0 ? x.linkCostMs / max : 0);
    return cf;
  }
  const via = new Array<number | undefined>(lambda.length);
  for (const source of sources) {
    let max = 0;
    for (let i = 0; i < lambda.length; i++) {
      const x = lambda[i] as CandidateView;
      const cost = costVia(self, source, x, loopsScoreWorst);
      via[i] = cost;
      if (cost !== undefined && cost > max) max = cost;
    }
    for (let i = 0; i < lambda.length; i++) {
      const x = lambda[i] as CandidateView;
      const cost = via[i];
      const normalised = cost === undefined ? 1 : max > 0 ? cost / max : 0;
      cf.set(x.id, (cf.get(x.id) as number) + normalised);
    }
  }
  return cf;
}

/**
 * Fig. 4: should this SCX, already at k1 out-edges, take `candidate` in place of its worst out-neighbour?
 * It does only if the worst scores more than `hysteresis` above the candidate, and, with no sources (the cost
 * is the edge's alone), if its edge is also shorter by more than `minGainMs`: on a LAN the normalised costs of
 * sub-ms edges differ by jitter alone, and a source that swapped edges for it would move its whole tree.
 */
export function optimise(
  self: ScxId,
  sources: readonly ScxId[],
  neighbours: readonly CandidateView[],
  candidate: CandidateView,
  hysteresis: number,
  loopsScoreWorst = true,
  minGainMs = 0,
): OptimiseDecision {
  const cf = costFunction(self, sources, [...neighbours, candidate], loopsScoreWorst);
  const worst = argmaxCf(cf, neighbours);
  if (worst === undefined) return { accept: false };
  const worstCf = cf.get(worst) as number;
  const candidateCf = cf.get(candidate.id) as number;
  if (candidateCf >= worstCf) return { accept: false };
  if (sources.length === 0 && minGainMs > 0) {
    const worstLinkMs = neighbours.find((n) => n.id === worst)?.linkCostMs ?? Number.POSITIVE_INFINITY;
    if (!(worstLinkMs - candidate.linkCostMs > minGainMs)) return { accept: false };
  }
  return worstCf - candidateCf > hysteresis ? { accept: true, replace: worst } : { accept: false };
}

/** The worst out-neighbour by the cost function (the one a heal gives up when it needs a slot). */
export function worstNeighbour(self: ScxId, sources: readonly ScxId[], neighbours: readonly CandidateView[], loopsScoreWorst = true): ScxId | undefined {
  return argmaxCf(costFunction(self, sources, neighbours, loopsScoreWorst), neighbours);
}

/** The member of `among` with the highest cost function; ties go to the smaller id. */
function argmaxCf(cf: ReadonlyMap<ScxId, number>, among: readonly CandidateView[]): ScxId | undefined {
  let worst: ScxId | undefined;
  let worstCf = Number.NEGATIVE_INFINITY;
  for (const n of among) {
    const v = cf.get(n.id) as number;
    if (v > worstCf || (v === worstCf && worst !== undefined && n.id < worst)) {
      worst = n.id;
      worstCf = v;
    }
  }
  return worst;
}

/** Cost to `source` via `x`: the edge plus x's route, unless x has none or (if `loopsScoreWorst`) its route runs through us. */
function costVia(self: ScxId, source: ScxId, x: CandidateView, loopsScoreWorst: boolean): number | undefined {
  if (x.id === source) return x.linkCostMs;
  const r = x.routes.get(source);
  if (!r || (loopsScoreWorst && r.path.includes(self))) return undefined;
  return x.linkCostMs + r.costMs;
}
