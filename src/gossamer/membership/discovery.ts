import type { Millis } from '../../core/time.ts';
import type { NodeContext } from '../node-context.ts';
import { buildDigest, digestReader } from './digest.ts';
import { MessageType, type Discovery as DiscoveryMsg, type DiscoveryResponse, type ScxId } from '../wire/messages.ts';

const NO_DIGEST = new Uint8Array(0);

/**
 * Membership discovery (section 4.1), a bounded Name Dropper: each round, send a bounded random list gamma(X)
 * to one random known SCX and merge the list it answers with. Bootstraps from the session's rendezvous SCXs,
 * and goes on among known members if every rendezvous is gone. While cut off from the heartbeat and healing (a
 * partition, section 4.2.3), every other round goes to a rendezvous, in turn, whether or not it is known alive:
 * they are where the rest of the session is most likely found again, and a cut looks like their death.
 */
export class Discovery {
  /** Outstanding DISCOVERY per peer: when it was sent. */
  private readonly pending = new Map<ScxId, Millis>();
  /** Extra exchanges made since the last round. */
  private followUps = 0;
  /** Membership size when we last sent a digest (-1: never). */
  private sizeAtLastDigest = -1;
  /** Membership size when last looked at (-1: never), and when it last grew, ms. */
  private sizeAtLastRound = -1;
  private grewAt = Number.NEGATIVE_INFINITY;
  /** SCXs the last DISCOVERY_RESPONSE taught us. */
  private lastLearned = 0;
  /** Rounds made while cut off from the heartbeat, in a row. */
  private cutOffRounds = 0;

  constructor(private readonly rendezvous: readonly ScxId[]) {}

  /** One discovery round, `cutOff` from the heartbeat (and healing) or not; returns the delay until the next one, ms (shorter while still learning). */
  round(ctx: NodeContext, cutOff = false): number {
    this.noteGrowth(ctx);
    this.followUps = 0;
    this.cutOffRounds = cutOff ? this.cutOffRounds + 1 : 0;
    this.exchange(ctx, this.cutOffRounds % 2 === 1 ? this.nextRendezvous(ctx) : undefined);
    return this.learning(ctx) ? ctx.config.discoveryLearningIntervalMs : ctx.config.roundIntervalMs;
  }

  /** Still learning: membership grew within the last round interval, or the last answer was news. */
  private learning(ctx: NodeContext): boolean {
    this.noteGrowth(ctx);
    return ctx.now - this.grewAt < ctx.config.roundIntervalMs || this.lastLearned > 0;
  }

  private noteGrowth(ctx: NodeContext): void {
    if (ctx.membership.size === this.sizeAtLastRound) return;
    this.sizeAtLastRound = ctx.membership.size;
    this.grewAt = ctx.now;
  }

  /** The bound on gamma now: larger while learning (the paper's 6.4.1 hypothesis), else the base bound. */
  private bound(ctx: NodeContext): number {
    return this.learning(ctx) ? ctx.config.discoveryBoundLearning : ctx.config.discoveryBound;
  }

  private exchange(ctx: NodeContext, to?: ScxId): void {
    const target = to ?? this.pickTarget(ctx);
    if (target === undefined) return;
    this.pending.set(target, ctx.now);
    // A digest only while still learning: once membership is quiet, plain random lists are cheaper.
    const maxBytes = ctx.config.discoveryDigestMaxBytes;
    const fresh = ctx.membership.size !== this.sizeAtLastDigest || this.lastLearned > 0;
    const digest = maxBytes > 0 && fresh ? buildDigest(ctx.membership.members(), maxBytes, ctx.rng.nextUint32()) : NO_DIGEST;
    if (digest.length > 0) this.sizeAtLastDigest = ctx.membership.size;
    ctx.send(target, { type: MessageType.DISCOVERY, known: ctx.membership.sample(ctx.rng, this.bound(ctx)), digest });
  }

  /** A peer gossiped to us: merge its list and answer with ours. */
  onDiscovery(ctx: NodeContext, from: ScxId, msg: DiscoveryMsg): void {
    this.merge(ctx, msg.known);
    // The sender knows what it just sent us, itself, and (if it sent a digest) what the digest holds:
    // answer with SCXs it may not know (unless configured for the paper's plain random gamma(X)).
    const told = new Set(ctx.config.discoveryAnswerSkipsTold ? msg.known : []);
    if (ctx.config.discoveryAnswerSkipsTold) told.add(from);
    const inDigest = digestReader(msg.digest);
    ctx.send(from, {
      type: MessageType.DISCOVERY_RESPONSE,
      known: ctx.membership.sample(ctx.rng, Math.max(msg.known.length, ctx.config.discoveryBound), (id) => told.has(id) || inDigest(id)),
    });
  }

  /** The answer to our DISCOVERY. */
  onResponse(ctx: NodeContext, from: ScxId, msg: DiscoveryResponse): void {
    if (!this.pending.delete(from)) return;
    const learned = this.merge(ctx, msg.known);
    this.lastLearned = learned;
    // Still learning fast (half the answer was news): gossip again now rather than a round later.
    if (learned * 4 >= this.bound(ctx) && this.followUps < ctx.config.discoveryFollowUps) {
      this.followUps++;
      this.exchange(ctx);
    }
  }

  /** Counts unanswered DISCOVERYs as misses, so dead members are forgotten. */
  expire(ctx: NodeContext): void {
    for (const [peer, sentAt] of this.pending) {
      if (ctx.now - sentAt < ctx.config.requestTimeoutMs) continue;
      this.pending.delete(peer);
      if (!ctx.neighbours.has(peer)) ctx.membership.missedRequest(peer, ctx.config.maxMissedRequests);
    }
  }

  /** Merges a gossiped list, at most discoveryMembersPerAnswer of it new; returns how many SCXs were new. */
  private merge(ctx: NodeContext, ids: readonly ScxId[]): number {
    const learned = ctx.membership.learnList(ids, ctx.config.discoveryMembersPerAnswer);
    if (ctx.config.probeNearestFirst) for (const id of learned) ctx.wantLinkCost(id);
    return learned.length;
  }

  /** The next rendezvous (other than this one, none we wait on) in turn for a cut-off round, dead or not. */
  private nextRendezvous(ctx: NodeContext): ScxId | undefined {
    const others = this.rendezvous.filter((r) => r !== ctx.self && !this.pending.has(r));
    return others.length === 0 ? undefined : others[((this.cutOffRounds - 1) / 2) % others.length];
  }

  /** A random known SCX; while nothing is known, a rendezvous SCX (other than this one). */
  private pickTarget(ctx: NodeContext): ScxId | undefined {
    const known = ctx.membership.pick(ctx.rng, (id) => this.pending.has(id));
    if (known !== undefined) return known;
    const others = this.rendezvous.filter((r) => r !== ctx.self && !ctx.membership.isDead(r));
    return ctx.rng.pick(others);
  }
}
