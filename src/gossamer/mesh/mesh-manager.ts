import type { Millis } from '../../core/time.ts';
import type { GossamerConfig } from '../config.ts';
import type { HealPlan } from '../liveness/heartbeat.ts';
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

/** A heal under way: the candidates still to try, front first, and the CONNECT awaiting an answer. */
interface Heal {
  readonly plan: HealPlan;
  readonly queue: ScxId[];
  readonly tried: Set<ScxId>;
  attempts: number;
  target: ScxId | undefined;
}

/**
 * Mesh construction and incremental optimisation (section 4.2): probe candidates with REQUEST_STATUS, fill the
 * k1 out-edges, then trade the worst out-neighbour for a better candidate (Figs. 3-4). Inbound CONNECTs are
 * accepted while under k2. Also carries out partition heals (section 4.2.3): CONNECTs to the candidates the
 * heartbeat watch names, in turn (see `heal`).
 */
export class MeshManager {
  private readonly probes = new Map<number, PendingProbe>();
  private readonly connects = new Map<ScxId, PendingConnect>();
  private nextNonce = 1;
  private healing: Heal | undefined;
  /** Members still to probe in the current cycle, and how many the cycle started with. */
  private cycle: ScxId[] = [];
  private cycleSize = 0;
  /** Probes answered since the last new edge or back-off step, and the current probe period, ms. */
  private fruitless = 0;
  private intervalMs: number;
  /** Candidates to probe before the cycle goes on (see hurry). */
  private urgent: ScxId[] = [];

  constructor(config: GossamerConfig) {
    this.intervalMs = config.probeIntervalMs;
  }

  /**
   * Routes got worse for a reason probes may fix (a silent upstream): probe at the fastest period again, `first`
   * before the rest of the cycle (the sources whose every route runs through the silent SCX: only an edge to them
   * may go around it).
   */
  hurry(ctx: NodeContext, first: readonly ScxId[]): void {
    this.fruitless = 0;
    this.intervalMs = ctx.config.probeIntervalMs;
    this.urgent = [...first];
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
    const decision = optimise(ctx.self, sources, views, candidate, hysteresis, ctx.config.loopingRouteScoresWorst, ctx.config.routeSwitchMinGainMs);
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
    const heal = this.healing?.target === from && pending.intent === ConnectIntent.HEAL ? this.healing : undefined;
    if (heal) heal.target = undefined;
    if (!msg.accepted) {
      if (heal) {
        // Somewhere else to go on its side of the mesh: try those first, then the rest of the plan.
        // Only alternatives the membership takes (a node address, room left) or already knows alive are tried.
        const next = msg.alternatives.filter((id) => !heal.tried.has(id) && id !== ctx.self && (ctx.membership.learn(id) || ctx.membership.has(id)));
        heal.queue.unshift(...next);
        this.healStep(ctx);
      }
      return;
    }
    if (ctx.neighbours.has(from)) {
      if (heal) this.healEnd(true);
      return;
    }
    const replace = pending.replace !== undefined && ctx.neighbours.get(pending.replace)?.direction === 'out';
    if (!replace && ctx.neighbours.out >= ctx.config.k1) {
      ctx.send(from, { type: MessageType.DISCONNECT });
      if (heal) this.healStep(ctx);
      return;
    }
    ctx.addNeighbour(from, 'out');
    if (replace) ctx.removeNeighbour(pending.replace as ScxId, 'optimised', true);
    if (heal) this.healEnd(true);
  }

  /**
   * Heals a partition (section 4.2.3): CONNECT (intent HEAL) to each of `plan.candidates` in turn, making room by
   * giving up the worst out-neighbour if need be; a refusal's alternatives are tried before the rest. A candidate
   * that refuses, does not answer within requestTimeoutMs, or is reported unreachable (`unreachable`) makes way
   * for the next; once the plan's candidates are spent, known members at random, into a free out-slot only (a guess
   * is not worth an edge). Ends at the first edge up, after healMaxAttempts CONNECTs, when nobody is left to try,
   * or as soon as the plan says the heartbeat is back; the plan hears of each failure and of the end.
   */
  heal(ctx: NodeContext, plan: HealPlan): void {
    if (this.healing) this.healEnd(false);
    this.healing = { plan, queue: [...plan.candidates], tried: new Set(), attempts: 0, target: undefined };
    this.healStep(ctx);
  }

  /** The driver could not reach `peer` (its connection was refused or broke): a heal waiting on it moves on. */
  unreachable(ctx: NodeContext, peer: ScxId): void {
    const heal = this.healing;
    if (heal?.target !== peer || this.connects.get(peer)?.intent !== ConnectIntent.HEAL) return;
    this.connects.delete(peer);
    heal.target = undefined;
    heal.plan.failed(peer);
    this.healStep(ctx);
  }

  /**
   * The next SCX to probe: a random member (the paper), or members in a shuffled cycle, so every member is probed
   * once before any twice (random choice with replacement probes some many times and others not for a long while).
   */
  private nextCandidate(ctx: NodeContext, skip: (id: ScxId) => boolean): ScxId | undefined {
    while (this.urgent.length > 0) {
      const id = this.urgent.shift() as ScxId;
      if (ctx.membership.has(id) && !skip(id)) return id;
    }
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
      if (this.healing?.target === peer && c.intent === ConnectIntent.HEAL) {
        this.healing.target = undefined;
        this.healing.plan.failed(peer);
      }
    }
    // A heal waits on nothing once its CONNECT timed out or its target was forgotten: on to the next candidate.
    if (this.healing && this.healing.target === undefined) this.healStep(ctx);
  }

  /** Whether we are waiting for `peer` to answer our CONNECT. */
  connecting(peer: ScxId): boolean {
    return this.connects.has(peer);
  }

  /** Forgets pending work towards a dead SCX (a heal waiting on it moves on at the next `expire`). */
  forget(peer: ScxId): void {
    this.connects.delete(peer);
    if (this.healing?.target === peer) this.healing.target = undefined;
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

  /** Sends the heal's next CONNECT, or ends it. */
  private healStep(ctx: NodeContext): void {
    const heal = this.healing;
    if (!heal || heal.target !== undefined) return;
    if (!heal.plan.cutOff()) return this.healEnd(false);
    while (heal.attempts < ctx.config.healMaxAttempts) {
      const planned = heal.queue.length > 0;
      const free = ctx.neighbours.out + this.pendingWithoutReplace() < ctx.config.k1;
      const skip = (id: ScxId): boolean => id === ctx.self || heal.tried.has(id) || ctx.neighbours.has(id) || this.connects.has(id);
      const target = planned ? heal.queue.shift() : free ? ctx.membership.pick(ctx.rng, skip) : undefined;
      if (target === undefined) break;
      if (skip(target)) continue;
      heal.tried.add(target);
      if (!this.healConnect(ctx, target, planned)) continue;
      heal.attempts++;
      heal.target = target;
      return;
    }
    this.healEnd(false);
  }

  private healEnd(edge: boolean): void {
    const heal = this.healing;
    this.healing = undefined;
    heal?.plan.ended(edge);
  }

  /** A heal CONNECT to `target`, giving up the worst out-neighbour for it if `mayReplace` and need be; false if not sent. */
  private healConnect(ctx: NodeContext, target: ScxId, mayReplace: boolean): boolean {
    const needSlot = ctx.neighbours.out + this.pendingWithoutReplace() >= ctx.config.k1;
    if (needSlot && !mayReplace) return false;
    const views = needSlot ? this.outViews(ctx, true) : undefined;
    const replace = views ? worstNeighbour(ctx.self, this.sources(ctx), views, ctx.config.loopingRouteScoresWorst) : undefined;
    if (needSlot && replace === undefined) return false;
    ctx.emit({ type: 'heal', target });
    this.connect(ctx, target, replace, ConnectIntent.HEAL);
    return true;
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
    const via = candidate.linkCostMs + advert.costMs;
    if (!(via < current * (1 - ctx.config.routeGainFraction))) continue;
    // Routing must switch to it too (routeSwitchMinGain*), or the new edge would carry no tree, be evicted: churn.
    if (current === Number.POSITIVE_INFINITY || current - via > Math.max(ctx.config.routeSwitchMinGainMs, ctx.config.routeSwitchMinGainFraction * current)) return true;
  }
  return false;
}

/** Neighbours that take some source's distribution tree from us. */
function downstreamOfAny(ctx: NodeContext): Set<ScxId> {
  const out = new Set<ScxId>();
  for (const source of ctx.routes.sourcesSeen()) for (const d of ctx.routes.downstream(source)) out.add(d);
  return out;
}
