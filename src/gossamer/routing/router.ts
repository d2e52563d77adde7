import type { NodeContext } from '../node-context.ts';
import { MessageType, type RouteAdvert, type RouteUpdate, type ScxId } from '../wire/messages.ts';

/**
 * The routing protocol (section 4.3): path-vector distance vector in which only sources advertise. Sends changes
 * as triggered updates, at most one per `routeUpdateMinIntervalMs` (the first at once, later ones batched, like
 * BGP's MRAI: without it, a lost route sets off an exploration of stale alternative paths whose messages grow
 * with the number of paths), and the full table periodically; surfaces route and downstream changes as events
 * so a data plane can switch upstream make-before-break. With `triggeredRouteUpdates` off, changes wait for the
 * periodic update, save those that follow a neighbour's LEAVE or failure (section 4.2.2).
 */
export class Router {
  /** Last downstream set reported per source, as a joined key, to emit only real changes. */
  private readonly downstreamKey = new Map<ScxId, string>();
  /** Sources whose best route changed since the last triggered update. */
  private readonly pending = new Set<ScxId>();
  private lastTriggeredAt = Number.NEGATIVE_INFINITY;

  /** When the batched triggered update is due, if one is waiting. */
  flushDeadline(ctx: NodeContext): number | undefined {
    if (this.pending.size === 0) return undefined;
    return Math.max(ctx.now, this.lastTriggeredAt + ctx.config.routeUpdateMinIntervalMs);
  }

  /** Sends the waiting changes, as they stand now, to every neighbour. */
  flush(ctx: NodeContext): void {
    if (this.pending.size === 0) return;
    const routes: RouteAdvert[] = [];
    const withdrawn: ScxId[] = [];
    for (const source of this.pending) {
      const route = ctx.routes.route(source);
      if (route) routes.push(ctx.routes.advertOf(route));
      else withdrawn.push(source);
    }
    this.pending.clear();
    this.lastTriggeredAt = ctx.now;
    if (ctx.neighbours.size > 0) ctx.sendAll(ctx.neighbours.ids(), { type: MessageType.ROUTE_UPDATE, full: false, routes, withdrawn });
  }

  /** A neighbour's update arrived. */
  onUpdate(ctx: NodeContext, from: ScxId, msg: RouteUpdate): void {
    if (!ctx.neighbours.has(from)) return;
    ctx.routes.applyUpdate(from, msg.full, msg.routes, msg.withdrawn);
    this.recompute(ctx);
  }

  /** A new edge: give the neighbour our whole table. */
  neighbourAdded(ctx: NodeContext, id: ScxId): void {
    ctx.send(id, this.fullUpdate(ctx));
  }

  /** An edge went away: forget what it advertised. A neighbour marked dead (LEAVE, failure) always triggers an update. */
  neighbourRemoved(ctx: NodeContext, id: ScxId): void {
    ctx.routes.dropNeighbour(id);
    this.recompute(ctx, ctx.config.triggeredRouteUpdates || ctx.membership.isDead(id));
  }

  /** Every neighbour gets the full table (the periodic update). */
  periodic(ctx: NodeContext): void {
    if (ctx.neighbours.size === 0) return;
    if (ctx.routes.sourcesSeen().size === 0) return;
    ctx.sendAll(ctx.neighbours.ids(), this.fullUpdate(ctx));
  }

  /**
   * Recomputes best routes; queues what changed for the neighbours (if `trigger`: else it waits for the periodic
   * update) and reports route and downstream changes.
   */
  recompute(ctx: NodeContext, trigger = ctx.config.triggeredRouteUpdates): void {
    const gain = { minMs: ctx.config.routeSwitchMinGainMs, fraction: ctx.config.routeSwitchMinGainFraction };
    const { changed } = ctx.routes.recompute((n) => (ctx.neighbours.has(n) ? ctx.linkCosts.get(n) : undefined), gain);
    for (const c of changed) {
      if (trigger) this.pending.add(c.source);
      if (c.before?.upstream !== c.after?.upstream || c.before?.costMs !== c.after?.costMs) {
        ctx.emit({
          type: 'route-changed',
          source: c.source,
          upstream: c.after?.upstream,
          previousUpstream: c.before?.upstream,
          costMs: c.after?.costMs,
        });
      }
    }
    if (trigger && changed.length > 0 && ctx.now - this.lastTriggeredAt >= ctx.config.routeUpdateMinIntervalMs) this.flush(ctx);
    this.reportDownstream(ctx);
  }

  private reportDownstream(ctx: NodeContext): void {
    const sources = ctx.routes.sourcesSeen();
    for (const source of sources) {
      const downstream = ctx.routes.downstream(source);
      const key = downstream.join('\n');
      if ((this.downstreamKey.get(source) ?? '') === key) continue;
      this.downstreamKey.set(source, key);
      ctx.emit({ type: 'downstream-changed', source, downstream });
    }
    for (const [source, key] of this.downstreamKey) {
      if (sources.has(source)) continue;
      this.downstreamKey.delete(source);
      if (key !== '') ctx.emit({ type: 'downstream-changed', source, downstream: [] });
    }
  }

  private fullUpdate(ctx: NodeContext): RouteUpdate {
    const routes: RouteAdvert[] = [];
    for (const r of ctx.routes.routes()) routes.push(ctx.routes.advertOf(r));
    return { type: MessageType.ROUTE_UPDATE, full: true, routes, withdrawn: [] };
  }
}
