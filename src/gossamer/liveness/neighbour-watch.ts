import type { NodeContext } from '../node-context.ts';
import { MessageType, type ScxId } from '../wire/messages.ts';
import type { LeaveFlood } from './leave-flood.ts';

/**
 * Failure detection on mesh edges (section 4.2.2), run on every liveness tick: a neighbour silent past
 * `neighbourTimeoutMs` (or suspected on a driver's hint) is pinged directly for `suspicionMs`, and only if it stays
 * silent is it declared failed, with a LEAVE flooded on its behalf; quiet edges get a KEEPALIVE.
 */
export function watchNeighbours(ctx: NodeContext, leaves: LeaveFlood): void {
  const c = ctx.config;
  const failed: ScxId[] = [];
  const suspects: ScxId[] = [];
  const quiet: ScxId[] = [];
  for (const n of ctx.neighbours.all()) {
    if (n.suspectedSinceMs === undefined && ctx.now - n.lastHeardMs <= c.neighbourTimeoutMs) {
      if (ctx.now - n.lastSentMs >= c.keepaliveIntervalMs) quiet.push(n.id);
      continue;
    }
    n.suspectedSinceMs ??= ctx.now;
    if (ctx.now - n.suspectedSinceMs >= c.suspicionMs) failed.push(n.id);
    else suspects.push(n.id);
  }
  ctx.sendAll(suspects, { type: MessageType.PING, nonce: 0 });
  for (const id of failed) {
    ctx.markDead(id, 'failed');
    leaves.announce(ctx, id);
  }
  ctx.sendAll(quiet, { type: MessageType.KEEPALIVE });
}

/**
 * A suspected neighbour's host refused a connection to it (nothing listens there: its process is gone): the
 * suspicion ends now, as failed, with the LEAVE flooded on its behalf. True if it was a suspected neighbour.
 */
export function failSuspect(ctx: NodeContext, leaves: LeaveFlood, peer: ScxId): boolean {
  if (ctx.neighbours.get(peer)?.suspectedSinceMs === undefined) return false;
  ctx.markDead(peer, 'failed');
  leaves.announce(ctx, peer);
  return true;
}

/**
 * The driver has a hint that `peer` may be gone (its connection broke): suspect it now and ping it, rather than
 * wait for `neighbourTimeoutMs` of silence. Any message from it clears the suspicion. True if this started a
 * suspicion (`peer` is a neighbour not already suspected).
 */
export function suspectNeighbour(ctx: NodeContext, peer: ScxId): boolean {
  const n = ctx.neighbours.get(peer);
  if (!n || n.suspectedSinceMs !== undefined) return false;
  n.suspectedSinceMs = ctx.now;
  ctx.send(peer, { type: MessageType.PING, nonce: 0 });
  return true;
}
