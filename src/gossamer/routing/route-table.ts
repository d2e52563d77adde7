import type { OriginProof, RouteAdvert, ScxId } from '../wire/messages.ts';

/** This SCX's best route to one source: `path` runs from this SCX to the source, both included. */
export interface Route {
  readonly source: ScxId;
  readonly costMs: number;
  readonly path: readonly ScxId[];
  /** The neighbour data from `source` arrives through; undefined when this SCX is the source. */
  readonly upstream: ScxId | undefined;
  /** The source's origin proof, as advertised to us (or our own), re-advertised unchanged. */
  readonly proof?: OriginProof;
}

/**
 * How much cheaper a route must be to take a source's upstream from the current one: by more than
 * max(minMs, fraction x the current route's cost). Both 0: the best route always wins.
 */
export interface SwitchGain {
  readonly minMs: number;
  readonly fraction: number;
}

/** No hysteresis: the best route always wins. */
export const ALWAYS_SWITCH: SwitchGain = Object.freeze({ minMs: 0, fraction: 0 });

/** What one recomputation changed. */
export interface RouteChanges {
  /** Sources whose best route is new or different (cost, path or upstream). */
  readonly changed: Array<{ source: ScxId; before: Route | undefined; after: Route | undefined }>;
}

/**
 * Path-vector routing state (section 4.3): the routes each neighbour advertised (Adj-RIB-In) and the best
 * route per source chosen from them. Only sources advertise, so the table holds one entry per source SCX.
 * Every entry carries its full path, so a route through this SCX (a loop) is refused. Dead SCXs leave paths
 * through withdrawals, not by a local verdict: a failure report may be a partition, not a death.
 */
export class RouteTable {
  private readonly ribIn = new Map<ScxId, Map<ScxId, RouteAdvert>>();
  private readonly best = new Map<ScxId, Route>();
  /** SCXs whose data plane a driver found silent, and what a route through each costs more, ms. */
  private readonly penalties = new Map<ScxId, number>();
  private selfSource = false;

  constructor(
    private readonly self: ScxId,
    /** Most sources one neighbour may advertise at once (GossamerConfig.maxSourcesPerNeighbour). */
    private readonly maxSourcesPerNeighbour = Number.POSITIVE_INFINITY,
    /** Where refused sources are counted. */
    private readonly counters: { routesRefused: number } = { routesRefused: 0 },
    /** This SCX's own origin proof as a source, made by its driver (none: unsigned). */
    private readonly selfProof?: OriginProof,
  ) {}

  /** Whether this SCX advertises itself as a source. */
  get isSource(): boolean {
    return this.selfSource;
  }

  /** Sets whether this SCX is a source (a zero-length route to itself). */
  setSelfSource(on: boolean): void {
    this.selfSource = on;
  }

  /** The best route to `source`. */
  route(source: ScxId): Route | undefined {
    return this.best.get(source);
  }

  /** Every best route. */
  routes(): IterableIterator<Route> {
    return this.best.values();
  }

  /** Number of sources with a route, this SCX included when it is a source. */
  get size(): number {
    return this.best.size;
  }

  /** The routes `neighbour` last advertised to us. */
  advertised(neighbour: ScxId): ReadonlyMap<ScxId, RouteAdvert> | undefined {
    return this.ribIn.get(neighbour);
  }

  /**
   * Records an update from `neighbour`; a full update replaces all it advertised before. A neighbour holds routes
   * to at most `maxSourcesPerNeighbour` sources: new sources past it are refused (counted).
   */
  applyUpdate(neighbour: ScxId, full: boolean, routes: readonly RouteAdvert[], withdrawn: readonly ScxId[]): void {
    let rib = this.ribIn.get(neighbour);
    if (!rib || full) {
      rib = new Map();
      this.ribIn.set(neighbour, rib);
    }
    for (const source of withdrawn) rib.delete(source);
    for (const r of routes) {
      if (rib.size >= this.maxSourcesPerNeighbour && !rib.has(r.source)) this.counters.routesRefused++;
      else rib.set(r.source, r);
    }
  }

  /** Routes whose path runs through `scx` cost `ms` more from the next recompute (0: no more). */
  setPathPenalty(scx: ScxId, ms: number): void {
    if (ms > 0) this.penalties.set(scx, ms);
    else this.penalties.delete(scx);
  }

  /** What the penalised SCXs on `path` add to a route's cost, ms. */
  private penalty(path: readonly ScxId[]): number {
    if (this.penalties.size === 0) return 0;
    let ms = 0;
    for (const id of path) ms += this.penalties.get(id) ?? 0;
    return ms;
  }

  /** Forgets everything `neighbour` advertised (the edge went away). */
  dropNeighbour(neighbour: ScxId): void {
    this.ribIn.delete(neighbour);
  }

  /**
   * Recomputes every best route. `linkCostMs(n)` is the measured latency to neighbour n (undefined: not yet
   * measured, so unusable). With a `gain` the current upstream of a source stays, on the route it now advertises,
   * unless another is cheaper by more than the gain: jitter in the costs moves no tree. An upstream that is gone
   * (no longer a neighbour, its route withdrawn, or its path now through this SCX) is replaced at once.
   */
  recompute(linkCostMs: (n: ScxId) => number | undefined, gain: SwitchGain = ALWAYS_SWITCH): RouteChanges {
    const next = new Map<ScxId, Route>();
    if (this.selfSource) next.set(this.self, withProof({ source: this.self, costMs: 0, path: [this.self], upstream: undefined }, this.selfProof));
    for (const [neighbour, rib] of this.ribIn) {
      const link = linkCostMs(neighbour);
      if (link === undefined) continue;
      for (const advert of rib.values()) {
        if (advert.source === this.self) continue;
        const costMs = link + advert.costMs + this.penalty(advert.path);
        const current = next.get(advert.source);
        if (current && !better(costMs, advert.path.length + 1, neighbour, current)) continue;
        if (!validPath(advert, neighbour, this.self)) continue;
        next.set(advert.source, withProof({ source: advert.source, costMs, path: [this.self, ...advert.path], upstream: neighbour }, advert.proof));
      }
    }
    if (gain.minMs > 0 || gain.fraction > 0) {
      for (const [source, best] of next) {
        const kept = this.throughCurrentUpstream(source, linkCostMs);
        if (!kept || kept.upstream === best.upstream) continue;
        if (kept.costMs - best.costMs <= Math.max(gain.minMs, gain.fraction * kept.costMs)) next.set(source, kept);
      }
    }
    const changed: RouteChanges['changed'] = [];
    for (const [source, after] of next) {
      const before = this.best.get(source);
      if (!before || !sameRoute(before, after)) changed.push({ source, before, after });
    }
    for (const [source, before] of this.best) if (!next.has(source)) changed.push({ source, before, after: undefined });
    this.best.clear();
    for (const [source, r] of next) this.best.set(source, r);
    return { changed };
  }

  /** The route to `source` through its current upstream as that upstream advertises it now, if still usable. */
  private throughCurrentUpstream(source: ScxId, linkCostMs: (n: ScxId) => number | undefined): Route | undefined {
    const upstream = this.best.get(source)?.upstream;
    if (upstream === undefined) return undefined;
    const link = linkCostMs(upstream);
    const advert = this.ribIn.get(upstream)?.get(source);
    if (link === undefined || !advert || !validPath(advert, upstream, this.self)) return undefined;
    return withProof({ source, costMs: link + advert.costMs + this.penalty(advert.path), path: [this.self, ...advert.path], upstream }, advert.proof);
  }

  /** DVMRP's downstream set: the neighbours whose best route to `source` runs through this SCX. */
  downstream(source: ScxId): ScxId[] {
    const out: ScxId[] = [];
    for (const [neighbour, rib] of this.ribIn) {
      const advert = rib.get(source);
      if (advert && advert.path[1] === this.self) out.push(neighbour);
    }
    return out.sort();
  }

  /** Sources any neighbour advertised or this SCX routes to (for downstream bookkeeping). */
  sourcesSeen(): Set<ScxId> {
    const all = new Set<ScxId>(this.best.keys());
    for (const rib of this.ribIn.values()) for (const s of rib.keys()) all.add(s);
    return all;
  }

  /** The advert for our best route to `source`, as sent to neighbours. */
  advertOf(route: Route): RouteAdvert {
    return withProof({ source: route.source, costMs: route.costMs, path: route.path }, route.proof);
  }
}

/** `r` with `proof`, if there is one (unsigned routes have no `proof` key at all). */
function withProof<T extends object>(r: T, proof: OriginProof | undefined): T & { proof?: OriginProof } {
  return proof === undefined ? r : { ...r, proof };
}

/** Lower cost wins; then the shorter path; then the smaller upstream id, so every run is deterministic. */
function better(costMs: number, hops: number, upstream: ScxId, current: Route): boolean {
  if (costMs !== current.costMs) return costMs < current.costMs;
  if (hops !== current.path.length) return hops < current.path.length;
  return current.upstream !== undefined && upstream < current.upstream;
}

/** A usable advert runs from the neighbour to the source, visits no SCX twice, and avoids us. */
function validPath(advert: RouteAdvert, neighbour: ScxId, self: ScxId): boolean {
  const path = advert.path;
  if (path[0] !== neighbour || path[path.length - 1] !== advert.source) return false;
  const seen = new Set<ScxId>();
  for (const hop of path) {
    if (hop === self || seen.has(hop)) return false;
    seen.add(hop);
  }
  return true;
}

function sameRoute(a: Route, b: Route): boolean {
  if (a.costMs !== b.costMs || a.upstream !== b.upstream || a.path.length !== b.path.length) return false;
  for (let i = 0; i < a.path.length; i++) if (a.path[i] !== b.path[i]) return false;
  return sameProof(a.proof, b.proof);
}

/** A new proof of the source (a new incarnation) is news to re-advertise; the same one decoded again is not. */
function sameProof(a: OriginProof | undefined, b: OriginProof | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.incarnation !== b.incarnation) return false;
  for (let i = 0; i < a.signature.length; i++) if (a.signature[i] !== b.signature[i]) return false;
  return a.signature.length === b.signature.length;
}
