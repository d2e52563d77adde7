import type { NodeContext } from '../node-context.ts';
import { MessageType, type Leave, type ScxId } from '../wire/messages.ts';
import type { FailureCheck } from './failure-check.ts';
import { FloodCache } from './flood-cache.ts';

/**
 * SCX leaves and failures (section 4.2.2): a time-stamped LEAVE flooded over the mesh, duplicates suppressed by
 * (scx, origin, timestamp). Issued by an SCX that leaves, or by a neighbour that detected its silent death. With a
 * `check` (`verifyFailureReports`), a report of another SCX's death about a member is flooded on at once but believed
 * only once this SCX has checked it (FailureCheck); a report about an SCX it does not know is dropped.
 */
export class LeaveFlood {
  private readonly seen = new FloodCache();

  constructor(private readonly check?: FailureCheck) {}

  /** Floods a LEAVE for `scx` (this SCX, or a dead neighbour) to every neighbour but `except`. */
  announce(ctx: NodeContext, scx: ScxId, except?: ScxId): void {
    const msg: Leave = { type: MessageType.LEAVE, scx, timestampMs: ctx.now, origin: ctx.self };
    this.seen.firstSight(key(msg), ctx.now, ctx.config.deadMemoryMs);
    ctx.sendAll(ctx.neighbours.ids().filter((id) => id !== except && id !== scx), msg);
  }

  /** A LEAVE arrived: the first copy marks the SCX dead and goes on to the other neighbours. */
  onLeave(ctx: NodeContext, from: ScxId, msg: Leave): void {
    if (!this.seen.firstSight(key(msg), ctx.now, ctx.config.deadMemoryMs)) return;
    if (msg.scx === ctx.self) return; // Reported dead while alive: our next direct contact revives us.
    // A failure report about a neighbour we still hear is wrong (lost messages, a one-sided cut): stop it here.
    const n = ctx.neighbours.get(msg.scx);
    const report = msg.origin !== msg.scx;
    if (report && n && ctx.now - n.lastHeardMs <= ctx.config.neighbourTimeoutMs) return;
    if (report && this.check && !ctx.membership.has(msg.scx)) return;
    ctx.sendAll(
      ctx.neighbours.ids().filter((id) => id !== from && id !== msg.scx),
      msg,
    );
    if (report && this.check) this.check.start(ctx, msg.scx);
    else ctx.markDead(msg.scx, report ? 'failed' : 'left');
  }

  /** Forgets old duplicate keys. */
  expire(ctx: NodeContext): void {
    this.seen.expire(ctx.now);
  }
}

function key(msg: Leave): string {
  return `${msg.scx}|${msg.origin}|${msg.timestampMs}`;
}
