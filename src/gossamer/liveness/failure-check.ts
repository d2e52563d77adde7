import type { Millis } from '../../core/time.ts';
import type { NodeContext } from '../node-context.ts';
import { MessageType, type ScxId } from '../wire/messages.ts';

/** Most failure reports under check at once; a report past it, about an SCX not already checked, is ignored (counted). */
export const MAX_FAILURE_CHECKS = 64;

/** What happened to failure reports checked, for the node's stats. */
export interface FailureCheckCounts {
  /** The reported SCX answered in time: the report was wrong (or forged), and ignored. */
  refuted: number;
  /** The reported SCX stayed silent (or its host refused a dial): marked failed. */
  confirmed: number;
  /** Reports ignored because MAX_FAILURE_CHECKS were under way. */
  overflow: number;
}

/**
 * Failure reports believed only once checked (after Lifeguard), when `verifyFailureReports` is on: a LEAVE that
 * another SCX issued on X's behalf makes this SCX ping X itself, and X is marked failed only if nothing at all
 * comes from X within `failureCheckMs`. A member that forges a report about a live SCX then costs it one PING per
 * SCX, not its place in the session.
 */
export class FailureCheck {
  /** SCXs under check, and when their time to answer runs out. */
  private readonly due = new Map<ScxId, Millis>();

  constructor(private readonly counts: FailureCheckCounts) {}

  /** A report that `scx` failed arrived: ping it, unless it is already under check. */
  start(ctx: NodeContext, scx: ScxId): void {
    if (this.due.has(scx)) return;
    if (this.due.size >= MAX_FAILURE_CHECKS) {
      this.counts.overflow++;
      return;
    }
    this.due.set(scx, ctx.now + ctx.config.failureCheckMs);
    ctx.send(scx, { type: MessageType.PING, nonce: 0 });
  }

  /** A message came from `id` itself: it is alive, and a report about it is refuted. */
  heard(id: ScxId): void {
    if (this.due.size > 0 && this.due.delete(id)) this.counts.refuted++;
  }

  /** `id` is dead by other means (its own LEAVE): nothing left to check. */
  forget(id: ScxId): void {
    this.due.delete(id);
  }

  /** A dial to `id` was refused by its host: if under check, it failed (true). */
  refused(ctx: NodeContext, id: ScxId): boolean {
    if (!this.due.delete(id)) return false;
    this.confirm(ctx, id);
    return true;
  }

  /** Liveness tick: those whose time ran out in silence are marked failed. */
  expire(ctx: NodeContext): void {
    for (const [id, at] of this.due) {
      if (at > ctx.now) continue;
      this.due.delete(id);
      this.confirm(ctx, id);
    }
  }

  private confirm(ctx: NodeContext, id: ScxId): void {
    this.counts.confirmed++;
    ctx.markDead(id, 'failed');
  }
}
