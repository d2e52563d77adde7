import type { Millis } from '../../core/time.ts';
import type { GossamerConfig } from '../config.ts';
import type { NodeContext } from '../node-context.ts';
import {
  ConnectIntent,
  MessageType,
  type ConnectIntentValue,
  type Connect,
  type ConnectAck,
  type RequestStatus,
  type RouteAdvert,
  type ScxId,
  type Status,
} from '../wire/messages.ts';
import { optimise, worstNeighbour, type CandidateView } from './optimizer.ts';

/** Most neighbour ids offered as alternatives in a refused CONNECT. */
const MAX_ALTERNATIVES = 4;

interface PendingProbe {
  readonly peer: ScxId;
  readonly sentAt: Millis;
}

interface PendingConnect {
  readonly sentAt: Millis;
  /** The out-neighbour to drop once the new edge is up (make-before-break), if any. */
  readonly replace: ScxId | undefined;
  readonly intent: ConnectIntentValue;
}

/**
 * Mesh construction and incremental optimisation (section 4.2): probe candidates with REQUEST_STATUS, fill the
 * k1 out-edges, then trade the worst out-neighbour for a better candidate (Figs. 3-4). Inbound CONNECTs are
 * accepted while under k2. Also carries out partition heals (section 4.2.3) by CONNECT to the generator.
 */
export class MeshManager {
  private readonly probes = new Map<number, PendingProbe>();
  private readonly connects = new Map<ScxId, PendingConnect>();
  private nextNonce = 1;
  private healTried = new Set<ScxId>();
  /** Members still to probe in the current cycle, and how many the cycle started with. */
  private cycle: ScxId[] = [];
  private cycleSize = 0;
  /** Probes answered since the last new edge or back-off step, and the current probe period, ms. */
  private fruitless = 0;
  private intervalMs: number;

  constructor(config: GossamerConfig) {
    this.intervalMs = config.probeIntervalMs;
  }

  /** One optimisation round: probe as many candidates as free out-slots, at least one. */
  round(ctx: NodeContext): number {
    this.probeRound(ctx);
    // Back off while probes find nothing: a whole fruitless cycle doubles the period, a new edge resets it.
    if (this.fruitless >= Math.max(1, this.cycleSize)) {
      this.fruitless = 0;
      this.intervalMs = Math.min(ctx.config.probeIntervalMaxMs, this.intervalMs * 2);
    }
    return this.intervalMs;
  }

  private probeRound(ctx: NodeContext): void {
    const free = ctx.config.k1 - ctx.neighbours.out - this.pendingWithoutReplace();
    const count = Math.max(1, free);
    const probing = new Set<ScxId>();
    for (const p of this.probes.values()) probing.add(p.peer);
    for (let i = 0; i < count; i++) {
      const full = ctx.neighbours.out + this.pendingWithoutReplace() >= ctx.config.k1;
      const candidate = this.nextCandidate(
        ctx,
        (id) => ctx.neighbours.has(id) || probing.has(id) || this.connects.has(id) || (full && this.hopeless(ctx, id)),
      );
      if (candidate === undefined) {
        this.fruitless += this.cycleSize; // Nothing worth probing: back off as after a fruitless cycle.
        return;
      }
      probing.add(candidate);
      const nonce = this.nextNonce++ >>> 0;
      this.probes.set(nonce, { peer: candidate, sentAt: ctx.now });
      ctx.wantLinkCost(candidate);
      ctx.send(candidate, { type: MessageType.REQUEST_STATUS, nonce } satisfies RequestStatus);
    }
  }

  /** Answer a probe with our routing table and CAN_ACCEPT. */
  onRequestStatus(ctx: NodeContext, from: ScxId, msg: RequestStatus): void {
    const routes: RouteAdvert[] = [];
    for (const r of ctx.routes.routes()) routes.push(ctx.routes.advertOf(r));
    const canAccept = ctx.neighbours.in < ctx.config.k2;
    const canEvict = !canAccept && this.idleInbound(ctx) !== undefined;
    ctx.send(from, { type: MessageType.STATUS, nonce: msg.nonce, canAccept, canEvict, routes });
  }

  /** A probed candidate answered: connect while under k1, else run the optimiser. */
  onStatus(ctx: NodeContext, from: ScxId, msg: Status): void {
    const probe = this.probes.get(msg.nonce);
    if (!probe || probe.peer !== from) return;
    this.probes.delete(msg.nonce);
    this.fruitless++;
    ctx.linkCosts.setEstimated(from, (ctx.now - probe.sentAt) / 2, ctx.config.linkCostChangeFraction);
    if (!(msg.canAccept || msg.canEvict) || ctx.neighbours.has(from) || this.connects.has(from)) return;
    if (ctx.neighbours.out + this.pendingWithoutReplace() < ctx.config.k1) {
      if (msg.canAccept) this.connect(ctx, from, undefined, ConnectIntent.FILL);
      return;
    }
    const linkCostMs = ctx.linkCosts.get(from);
    if (linkCostMs === undefined) return;
    const views = this.outViews(ctx);
    if (views === undefined) return;
    const candidate: CandidateView = { id: from, linkCostMs, routes: new Map(msg.routes.map((r) => [r.source, r])) };
    const sources = this.sources(ctx);
    const hysteresis = ctx.config.hysteresisPerSource * Math.max(1, sources.length);
    const decision = optimise(ctx.self, sources, views, candidate, hysteresis, ctx.config.loopingRouteScoresWorst);
    if (!decision.accept || this.replacing(decision.replace)) return;
    const upstream = betterUpstream(ctx, candidate, sources);
    if (ctx.config.requireRouteGain && sources.length > 0 && !upstream) return;
    // A full candidate gives up an idle inbound edge only for a peer that will take a distribution tree from it.
    if (msg.canAccept || upstream) this.connect(ctx, from, decision.replace, upstream ? ConnectIntent.UPSTREAM : ConnectIntent.OPTIMISE);
  }

  /** A peer asks to insert an edge towards us: accept while under k2, or by evicting an idle inbound edge for an UPSTREAM. */
  onConnect(ctx: NodeContext, from: ScxId, msg: Connect): void {
    if (ctx.neighbours.has(from)) {
      ctx.send(from, { type: MessageType.CONNECT_ACK, accepted: true, alternatives: [] } satisfies ConnectAck);
      return;
    }
    const evict = ctx.neighbours.in < ctx.config.k2 || msg.intent !== ConnectIntent.UPSTREAM ? undefined : this.idleInbound(ctx);
    if (ctx.neighbours.in >= ctx.config.k2 && evict === undefined) {
      // Only a heal needs somewhere else to go: it must reach our side of the mesh, not merely any SCX.
      const heal = msg.intent === ConnectIntent.HEAL;
      const alternatives = heal ? ctx.rng.sample(ctx.neighbours.ids().filter((id) => id !== from), MAX_ALTERNATIVES) : [];
      ctx.send(from, { type: MessageType.CONNECT_ACK, accepted: false, alternatives } satisfies ConnectAck);
      return;
    }
    if (evict !== undefined) ctx.removeNeighbour(evict, 'evicted', true);
    ctx.send(from, { type: MessageType.CONNECT_ACK, accepted: true, alternatives: [] } satisfies ConnectAck);
    ctx.addNeighbour(from, 'in');
  }

  /** The answer to our CONNECT. */
  onConnectAck(ctx: NodeContext, from: ScxId, msg: ConnectAck): void {
    const pending = this.connects.get(from);
    if (!pending) {
      // A stale acceptance (we gave up waiting): take the edge back down so both ends agree.
      if (msg.accepted && !ctx.neighbours.has(from)) ctx.send(from, { type: MessageType.DISCONNECT });
      return;
    }
    this.connects.delete(from);
    if (!msg.accepted) {
      if (pending.intent === ConnectIntent.HEAL) this.healNext(ctx, msg.alternatives);
      return;
    }
    if (ctx.neighbours.has(from)) return;
    const replace = pending.replace !== undefined && ctx.neighbours.get(pending.replace)?.direction === 'out';
    if (!replace && ctx.neighbours.out >= ctx.config.k1) {
      ctx.send(from, { type: MessageType.DISCONNECT });
      return;
    }
    ctx.addNeighbour(from, 'out');
    if (replace) ctx.removeNeighbour(pending.replace as ScxId, 'optimised', true);
    if (pending.intent === ConnectIntent.HEAL) this.healTried.clear();
  }

  /** Starts healing a partition by connecting to `target` (the heartbeat generator). */
  heal(ctx: NodeContext, target: ScxId): void {
    this.healTried = new Set([target]);
    this.healConnect(ctx, target);
  }

  /**
   * The next SCX to probe: a random member (the paper), or members in a shuffled cycle, so every member is probed
   * once before any twice (random choice with replacement probes some many times and others not for a long while).
   */
  private nextCandidate(ctx: NodeContext, skip: (id: ScxId) => boolean): ScxId | undefined {
    if (!ctx.config.probeInCycles) return ctx.membership.pick(ctx.rng, skip);
    for (let pass = 0; pass < 2; pass++) {
      while (this.cycle.length > 0) {
        const id = this.cycle.pop() as ScxId;
        if (ctx.membership.has(id) && !skip(id)) return id;
      }
      if (pass === 0) this.refill(ctx);
    }
    return undefined;
  }

  /** Starts a new probe cycle: every member, shuffled, then (if enabled) nearest first. */
  private refill(ctx: NodeContext): void {
    const members = ctx.membership.members();
    this.cycle = ctx.rng.sample(members, members.length);
    this.cycleSize = this.cycle.length;
    if (!ctx.config.probeNearestFirst) return;
    // Popped from the end, so sorted farthest first; unmeasured peers (asked for now) go first, at random.
    const keyed = this.cycle.map((id) => {
      const cost = ctx.linkCosts.get(id);
      if (cost === undefined) ctx.wantLinkCost(id);
      return { id, cost: cost ?? Number.MAX_VALUE };
    });
    keyed.sort((a, b) => b.cost - a.cost);
    this.cycle = keyed.map((k) => k.id);
  }

  /**
   * Whether probing `id` is pointless under the route-gain rule: a route through it costs at least
   * link + (link - d), d being our own latency to the source (triangle inequality: the candidate is at least
   * link - d from the source), and that already misses the gain threshold for every source. Never true while
   * unmeasured.
   */
  private hopeless(ctx: NodeContext, id: ScxId): boolean {
    if (!ctx.config.requireRouteGain || !ctx.config.skipHopelessProbes) return false;
    const link = ctx.linkCosts.get(id);
    if (link === undefined) return false;
    let any = false;
    for (const r of ctx.routes.routes()) {
      if (r.source === ctx.self) continue;
      any = true;
      const direct = ctx.linkCosts.get(r.source);
      if (direct === undefined) ctx.wantLinkCost(r.source);
      const lowerBound = link + Math.max(0, link - (direct ?? link));
      if (lowerBound < r.costMs * (1 - ctx.config.routeGainFraction)) return false;
    }
    return any;
  }

  /** Gives up on probes and connects that were not answered in time; counts the misses. */
  expire(ctx: NodeContext): void {
    const timeout = ctx.config.requestTimeoutMs;
    for (const [nonce, p] of this.probes) {
      if (ctx.now - p.sentAt < timeout) continue;
      this.probes.delete(nonce);
      ctx.membership.missedRequest(p.peer, ctx.config.maxMissedRequests);
    }
    for (const [peer, c] of this.connects) {
      if (ctx.now - c.sentAt < timeout) continue;
      this.connects.delete(peer);
      ctx.membership.missedRequest(peer, ctx.config.maxMissedRequests);
    }
  }

  /** Whether we are waiting for `peer` to answer our CONNECT. */
  connecting(peer: ScxId): boolean {
    return this.connects.has(peer);
  }

  /** Forgets pending work towards a dead SCX. */
  forget(peer: ScxId): void {
    this.connects.delete(peer);
    for (const [nonce, p] of this.probes) if (p.peer === peer) this.probes.delete(nonce);
  }

  /**
   * The inbound edge to evict for a newcomer: one that carries no distribution tree (the peer is neither our
   * upstream nor downstream for any source), the longest such. None while no source is known, or if disabled.
   */
  private idleInbound(ctx: NodeContext): ScxId | undefined {
    if (!ctx.config.evictIdleInbound || ctx.routes.size === 0) return undefined;
    const busy = downstreamOfAny(ctx);
    for (const r of ctx.routes.routes()) if (r.upstream !== undefined) busy.add(r.upstream);
    let idle: ScxId | undefined;
    let idleCost = -1;
    for (const n of ctx.neighbours.all()) {
      if (n.direction !== 'in' || busy.has(n.id)) continue;
      const cost = ctx.linkCosts.get(n.id) ?? Number.MAX_VALUE;
      if (cost > idleCost || (cost === idleCost && idle !== undefined && n.id < idle)) {
        idle = n.id;
        idleCost = cost;
      }
    }
    return idle;
  }

  private connect(ctx: NodeContext, peer: ScxId, replace: ScxId | undefined, intent: ConnectIntentValue): void {
    this.fruitless = 0;
    this.intervalMs = ctx.config.probeIntervalMs;
    this.connects.set(peer, { sentAt: ctx.now, replace, intent });
    ctx.wantLinkCost(peer);
    ctx.send(peer, { type: MessageType.CONNECT, intent } satisfies Connect);
  }

  private healConnect(ctx: NodeContext, target: ScxId): void {
    if (ctx.neighbours.has(target) || this.connects.has(target) || target === ctx.self) return;
    const needSlot = ctx.neighbours.out + this.pendingWithoutReplace() >= ctx.config.k1;
    const views = needSlot ? this.outViews(ctx, true) : undefined;
    const replace = views ? worstNeighbour(ctx.self, this.sources(ctx), views, ctx.config.loopingRouteScoresWorst) : undefined;
    if (needSlot && replace === undefined) return;
    ctx.emit({ type: 'heal', target });
    this.connect(ctx, target, replace, ConnectIntent.HEAL);
  }

  private healNext(ctx: NodeContext, alternatives: readonly ScxId[]): void {
    if (this.healTried.size >= ctx.config.healMaxAttempts) return;
    const next = alternatives.find((id) => !this.healTried.has(id) && !ctx.neighbours.has(id) && id !== ctx.self);
    if (next === undefined) return;
    this.healTried.add(next);
    ctx.membership.learn(next);
    this.healConnect(ctx, next);
  }

  /** What the optimiser knows of each out-neighbour; undefined while one is unmeasured (unless `allowUnmeasured`). */
  private outViews(ctx: NodeContext, allowUnmeasured = false): CandidateView[] | undefined {
    const views: CandidateView[] = [];
    for (const id of ctx.neighbours.outIds()) {
      const linkCostMs = ctx.linkCosts.get(id);
      if (linkCostMs === undefined && !allowUnmeasured) return undefined;
      views.push({ id, linkCostMs: linkCostMs ?? Number.MAX_VALUE, routes: ctx.routes.advertised(id) ?? new Map() });
    }
    return views;
  }

  /** Sources in our routing table other than ourselves: what the cost function sums over. */
  private sources(ctx: NodeContext): ScxId[] {
    const out: ScxId[] = [];
    for (const r of ctx.routes.routes()) if (r.source !== ctx.self) out.push(r.source);
    return out;
  }

  private pendingWithoutReplace(): number {
    let n = 0;
    for (const c of this.connects.values()) if (c.replace === undefined) n++;
    return n;
  }

  private replacing(id: ScxId): boolean {
    for (const c of this.connects.values()) if (c.replace === id) return true;
    return false;
  }
}

/** Whether routing through `candidate` would cut our cost to at least one source by the configured fraction. */
function betterUpstream(ctx: NodeContext, candidate: CandidateView, sources: readonly ScxId[]): boolean {
  for (const source of sources) {
    const advert = candidate.routes.get(source);
    if (!advert || advert.path.includes(ctx.self)) continue;
    const current = ctx.routes.route(source)?.costMs ?? Number.POSITIVE_INFINITY;
    if (candidate.linkCostMs + advert.costMs < current * (1 - ctx.config.routeGainFraction)) return true;
  }
  return false;
}

/** Neighbours that take some source's distribution tree from us. */
function downstreamOfAny(ctx: NodeContext): Set<ScxId> {
  const out = new Set<ScxId>();
  for (const source of ctx.routes.sourcesSeen()) for (const d of ctx.routes.downstream(source)) out.add(d);
  return out;
}
