import type { Millis } from '../../core/time.ts';
import type { NodeContext } from '../node-context.ts';
import { MessageType, type Ping, type Heartbeat as HeartbeatMsg, type ScxId } from '../wire/messages.ts';
import { compareScxIds, electionOrder } from './election-order.ts';
import { FloodCache } from './flood-cache.ts';

/** One heal: where to try, in order, and what to tell the heartbeat watch as it goes (see MeshManager.heal). */
export interface HealPlan {
  readonly candidates: readonly ScxId[];
  /** Whether this SCX is still cut off: false ends the heal. */
  cutOff(): boolean;
  /** A CONNECT to `id` went unanswered or could not be delivered. */
  failed(id: ScxId): void;
  /** The heal is over; `edge` if it put up an edge. */
  ended(edge: boolean): void;
}

/** Most failure verdicts remembered as heal candidates. */
const MAX_LOST = 32;

/** A heal whose edge brought no heartbeat waits heartbeatTimeoutMs times this, doubling, up to MAX_BACKOFF. */
const MAX_BACKOFF = 8;

/**
 * Partition detection and repair (section 4.2.3). The rendezvous SCXs elect a heartbeat generator: each pings
 * the others directly, and the first rendezvous in election order (`compareScxIds`) heard from lately is the
 * generator. The generator floods a HEARTBEAT over the mesh. An SCX that stops hearing it waits a random damping
 * interval, then heals: it CONNECTs (`MeshManager.heal`) to each candidate of `healDue` in turn, moving on when one
 * refuses with no way on, does not answer, or cannot be reached, until an edge is up. If no heartbeat follows, it
 * heals again after another damped wait, and so on until it hears one (backing off while its heal edges bring none).
 * A generator declared dead, or one a heal could not reach, is forgotten: it is no longer the SCX this one follows.
 */
export class HeartbeatWatch {
  private readonly seen = new FloodCache();
  private readonly rendezvousHeardAt = new Map<ScxId, Millis>();
  /** The rendezvous list in election order. */
  private readonly order: readonly ScxId[];
  private seq = 0;
  private startedAt: Millis = 0;
  private lastHeartbeatAt: Millis = 0;
  private lastGenerator: ScxId | undefined;
  /** Rendezvous given up as generators (declared dead, or a heal to them failed) until heard from again. */
  private readonly givenUp = new Set<ScxId>();
  /** Of those, the generators this SCX followed: the likeliest dead, so the last a heal tries. */
  private readonly formerGenerators = new Set<ScxId>();
  /** SCXs declared failed lately, oldest first, and when: likely the far side of a cut. */
  private readonly lost = new Map<ScxId, Millis>();
  private healAt: Millis | undefined;
  /** A heal is under way (MeshManager is working through the candidates). */
  private healing = false;
  /** No new heal before this. */
  private nextHealAt: Millis = Number.NEGATIVE_INFINITY;
  /** Heals in a row whose edge brought no heartbeat. */
  private fruitlessEdges = 0;
  /** Heals begun since the last heartbeat. */
  private healsSinceHeartbeat = 0;
  /** Heals begun, ever: the number of the current one (an older one's end is not this one's). */
  private heals = 0;

  constructor(
    private readonly self: ScxId,
    private readonly rendezvous: readonly ScxId[],
  ) {
    this.order = electionOrder(rendezvous);
  }

  /** Whether this SCX is one of the session's rendezvous points. */
  get isRendezvous(): boolean {
    return this.rendezvous.includes(this.self);
  }

  /** When a damped heal is due, if one is armed. */
  get healDeadline(): Millis | undefined {
    return this.healAt;
  }

  /** Starts watching from `now` (the join counts as a heartbeat, so nobody heals at once). */
  start(now: Millis): void {
    this.startedAt = now;
    this.lastHeartbeatAt = now;
  }

  /**
   * The generator by this SCX's view: for a rendezvous, its election; for others, the last one heard, unless
   * given up, else the first rendezvous in election order not given up (undefined if all are).
   */
  generator(now: Millis, timeoutMs: Millis): ScxId | undefined {
    if (!this.isRendezvous) return this.lastGenerator ?? this.order.find((r) => !this.givenUp.has(r));
    const inGrace = now - this.startedAt < timeoutMs;
    return this.order.find(
      (r) => r === this.self || inGrace || now - (this.rendezvousHeardAt.get(r) ?? Number.NEGATIVE_INFINITY) < timeoutMs,
    );
  }

  /** Whether this SCX is cut off: it generates no heartbeat and has heard none for heartbeatTimeoutMs. */
  cutOff(ctx: NodeContext): boolean {
    const timeout = ctx.config.heartbeatTimeoutMs;
    return ctx.now - this.lastHeartbeatAt >= timeout && this.generator(ctx.now, timeout) !== this.self;
  }

  /** Whether this SCX is cut off and has begun healing (a heal was due and the heartbeat had not come back). */
  healingCutOff(ctx: NodeContext): boolean {
    return this.healsSinceHeartbeat > 0 && this.cutOff(ctx);
  }

  /** A rendezvous SCX spoke to us directly (a ping or pong of the election). */
  rendezvousHeard(id: ScxId, now: Millis): void {
    if (this.rendezvous.includes(id)) this.rendezvousHeardAt.set(id, now);
  }

  /**
   * `id` was declared dead (`reason`): a generator or rendezvous is given up (a rendezvous drops out of this one's
   * election until it pings again), and a failure is remembered as a place to heal towards.
   */
  declaredDead(id: ScxId, reason: 'left' | 'failed', now: Millis): void {
    if (this.rendezvous.includes(id)) {
      this.givenUp.add(id);
      this.rendezvousHeardAt.delete(id);
    }
    this.forgetGenerator(id);
    if (reason !== 'failed') return;
    this.lost.delete(id);
    this.lost.set(id, now);
    if (this.lost.size > MAX_LOST) this.lost.delete(this.lost.keys().next().value as ScxId);
  }

  /** A heal CONNECT to `id` went unanswered or could not be delivered: a generator that far away is given up. */
  private healFailed(id: ScxId): void {
    this.forgetGenerator(id);
    if (this.rendezvous.includes(id)) this.givenUp.add(id);
  }

  private forgetGenerator(id: ScxId): void {
    if (this.lastGenerator !== id) return;
    this.lastGenerator = undefined;
    this.formerGenerators.add(id);
  }

  /**
   * A heal is over; `edge` if it put up an edge. Still cut off, the next heal is armed (damped) on the next tick
   * after a heal that reached nobody, or after heartbeatTimeoutMs, doubling up to MAX_BACKOFF times that, after
   * heals whose edges brought no heartbeat (a heartbeat should follow an edge towards the generator within an
   * interval; one that does not is an edge within our own side, or there is no generator left).
   */
  private healEnded(ctx: NodeContext, edge: boolean): void {
    this.healing = false;
    if (!this.cutOff(ctx)) return;
    if (!edge) {
      this.nextHealAt = ctx.now;
      return;
    }
    this.nextHealAt = ctx.now + ctx.config.heartbeatTimeoutMs * Math.min(MAX_BACKOFF, 2 ** this.fruitlessEdges);
    this.fruitlessEdges++;
  }

  /** Rendezvous duty, every heartbeat interval: ping the other rendezvous; flood a HEARTBEAT if elected. */
  beat(ctx: NodeContext): void {
    const others = this.rendezvous.filter((r) => r !== this.self);
    if (others.length > 0) ctx.sendAll(others, { type: MessageType.PING, nonce: this.seq } satisfies Ping);
    if (this.generator(ctx.now, ctx.config.heartbeatTimeoutMs) !== this.self) return;
    this.seq = (this.seq + 1) >>> 0;
    const msg: HeartbeatMsg = { type: MessageType.HEARTBEAT, generator: this.self, seq: this.seq };
    this.seen.firstSight(key(msg), ctx.now, ctx.config.heartbeatTimeoutMs);
    this.heard(ctx.now, this.self);
    if (ctx.neighbours.size > 0) ctx.sendAll(ctx.neighbours.ids(), msg);
  }

  /** A HEARTBEAT arrived: note it, and pass the first copy on to the other neighbours. */
  onHeartbeat(ctx: NodeContext, from: ScxId, msg: HeartbeatMsg): void {
    if (!this.rendezvous.includes(msg.generator)) return;
    if (!this.seen.firstSight(key(msg), ctx.now, ctx.config.heartbeatTimeoutMs)) return;
    this.heard(ctx.now, msg.generator);
    ctx.sendAll(
      ctx.neighbours.ids().filter((id) => id !== from),
      msg,
    );
  }

  /** Liveness tick: arms a damped heal when the heartbeat has gone quiet and no heal is under way. */
  watch(ctx: NodeContext): void {
    this.seen.expire(ctx.now);
    for (const [id, at] of this.lost) {
      if (ctx.now - at < ctx.config.deadMemoryMs) break;
      this.lost.delete(id);
    }
    if (this.healAt !== undefined || this.healing || ctx.now < this.nextHealAt || !this.cutOff(ctx)) return;
    this.healAt = ctx.now + ctx.rng.next() * ctx.config.healDampingMs;
  }

  /**
   * The damping interval is over: the heal to make, or undefined if the heartbeat came back. Its candidates, in
   * order: the generator last heard (unless given up); the other rendezvous in election order, but those given up
   * or marked dead after the rest (a cut looks like a death), and generators this SCX followed and gave up last
   * of all; then the SCXs declared failed lately, newest first (the far ends of the edges a cut took). MeshManager
   * goes on to other members if all of these fail.
   */
  healDue(ctx: NodeContext): HealPlan | undefined {
    this.healAt = undefined;
    if (!this.cutOff(ctx)) return undefined;
    this.healing = true;
    this.healsSinceHeartbeat++;
    const heal = ++this.heals;
    const candidates: ScxId[] = [];
    const add = (id: ScxId | undefined): void => {
      if (id !== undefined && id !== this.self && !candidates.includes(id)) candidates.push(id);
    };
    const generator = this.generator(ctx.now, ctx.config.heartbeatTimeoutMs);
    if (generator !== undefined && !this.givenUp.has(generator)) add(generator);
    const rank = (r: ScxId): number => (this.formerGenerators.has(r) ? 2 : this.givenUp.has(r) || ctx.membership.isDead(r) ? 1 : 0);
    for (const r of [...this.order].sort((a, b) => rank(a) - rank(b) || compareScxIds(a, b))) add(r);
    for (const id of [...this.lost.keys()].reverse()) add(id);
    return {
      candidates,
      cutOff: () => this.cutOff(ctx),
      failed: (id) => this.healFailed(id),
      ended: (edge) => {
        if (heal === this.heals) this.healEnded(ctx, edge);
      },
    };
  }

  /** A heartbeat from `generator` (or our own): follow it, and stop healing. */
  private heard(now: Millis, generator: ScxId): void {
    this.lastHeartbeatAt = now;
    this.lastGenerator = generator;
    this.givenUp.delete(generator);
    this.formerGenerators.delete(generator);
    this.healAt = undefined;
    this.fruitlessEdges = 0;
    this.healsSinceHeartbeat = 0;
    this.nextHealAt = Number.NEGATIVE_INFINITY;
  }
}

function key(msg: HeartbeatMsg): string {
  return `${msg.generator}|${msg.seq}`;
}
