import type { Millis } from '../../core/time.ts';
import type { NodeContext } from '../node-context.ts';
import { MessageType, type Ping, type Heartbeat as HeartbeatMsg, type ScxId } from '../wire/messages.ts';
import { FloodCache } from './flood-cache.ts';

/**
 * Partition detection (section 4.2.3). The rendezvous SCXs elect a heartbeat generator: each pings the others
 * directly, and the lowest-id rendezvous heard from lately is the generator. The generator floods a HEARTBEAT
 * over the mesh; an SCX that stops hearing it waits a random damping interval, then heals by connecting to the
 * generator. When the generator dies, the others stop hearing it and the next lowest takes over.
 */
export class HeartbeatWatch {
  private readonly seen = new FloodCache();
  private readonly rendezvousHeardAt = new Map<ScxId, Millis>();
  private seq = 0;
  private startedAt: Millis = 0;
  private lastHeartbeatAt: Millis = 0;
  private lastHealAt: Millis = Number.NEGATIVE_INFINITY;
  private lastGenerator: ScxId | undefined;
  private healAt: Millis | undefined;

  constructor(
    private readonly self: ScxId,
    private readonly rendezvous: readonly ScxId[],
  ) {}

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

  /** The generator by this SCX's view: for a rendezvous, its election; for others, the last one heard. */
  generator(now: Millis, timeoutMs: Millis): ScxId | undefined {
    if (!this.isRendezvous) return this.lastGenerator ?? [...this.rendezvous].sort()[0];
    const inGrace = now - this.startedAt < timeoutMs;
    const alive = this.rendezvous.filter(
      (r) => r === this.self || inGrace || now - (this.rendezvousHeardAt.get(r) ?? Number.NEGATIVE_INFINITY) < timeoutMs,
    );
    return alive.sort()[0];
  }

  /** A rendezvous SCX spoke to us directly (a ping or pong of the election). */
  rendezvousHeard(id: ScxId, now: Millis): void {
    if (this.rendezvous.includes(id)) this.rendezvousHeardAt.set(id, now);
  }

  /** Rendezvous duty, every heartbeat interval: ping the other rendezvous; flood a HEARTBEAT if elected. */
  beat(ctx: NodeContext): void {
    const others = this.rendezvous.filter((r) => r !== this.self);
    if (others.length > 0) ctx.sendAll(others, { type: MessageType.PING, nonce: this.seq } satisfies Ping);
    if (this.generator(ctx.now, ctx.config.heartbeatTimeoutMs) !== this.self) return;
    this.seq = (this.seq + 1) >>> 0;
    const msg: HeartbeatMsg = { type: MessageType.HEARTBEAT, generator: this.self, seq: this.seq };
    this.seen.firstSight(key(msg), ctx.now, ctx.config.heartbeatTimeoutMs);
    this.lastHeartbeatAt = ctx.now;
    this.lastGenerator = this.self;
    if (ctx.neighbours.size > 0) ctx.sendAll(ctx.neighbours.ids(), msg);
  }

  /** A HEARTBEAT arrived: note it, and pass the first copy on to the other neighbours. */
  onHeartbeat(ctx: NodeContext, from: ScxId, msg: HeartbeatMsg): void {
    if (!this.rendezvous.includes(msg.generator)) return;
    if (!this.seen.firstSight(key(msg), ctx.now, ctx.config.heartbeatTimeoutMs)) return;
    this.lastHeartbeatAt = ctx.now;
    this.lastGenerator = msg.generator;
    this.healAt = undefined;
    ctx.sendAll(
      ctx.neighbours.ids().filter((id) => id !== from),
      msg,
    );
  }

  /** Liveness tick: arms a damped heal when the heartbeat has gone quiet. */
  watch(ctx: NodeContext): void {
    this.seen.expire(ctx.now);
    if (this.healAt !== undefined) return;
    const timeout = ctx.config.heartbeatTimeoutMs;
    if (this.generator(ctx.now, timeout) === this.self) return;
    if (ctx.now - Math.max(this.lastHeartbeatAt, this.lastHealAt) < timeout) return;
    this.healAt = ctx.now + ctx.rng.next() * ctx.config.healDampingMs;
  }

  /** The damping interval is over: the SCX to heal towards, or undefined if the heartbeat came back. */
  healDue(ctx: NodeContext): ScxId | undefined {
    this.healAt = undefined;
    const timeout = ctx.config.heartbeatTimeoutMs;
    if (ctx.now - this.lastHeartbeatAt < timeout) return undefined;
    this.lastHealAt = ctx.now;
    const target = this.generator(ctx.now, timeout);
    return target === this.self ? undefined : target;
  }
}

function key(msg: HeartbeatMsg): string {
  return `${msg.generator}|${msg.seq}`;
}
