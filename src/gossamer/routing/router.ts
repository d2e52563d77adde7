import type { NodeContext } from '../node-context.ts';
import { MessageType, type RouteAdvert, type RouteUpdate, type ScxId } from '../wire/messages.ts';

/**
 * The routing protocol (section 4.3): path-vector distance vector in which only sources advertise. Sends changes
 * at once (triggered updates) and the full table periodically; surfaces route and downstream changes as events
 * so a data plane can switch upstream make-before-break.
 */
export class Router {
  /** Last downstream set reported per source, as a joined key, to emit only real changes. */
  private readonly downstreamKey = new Map<ScxId, string>();

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

  /** An edge went away: forget what it advertised. */
  neighbourRemoved(ctx: NodeContext, id: ScxId): void {
    ctx.routes.dropNeighbour(id);
    this.recompute(ctx);
  }

  /** Every neighbour gets the full table (the periodic update). */
  periodic(ctx: NodeContext): void {
    if (ctx.neighbours.size === 0) return;
    if (ctx.routes.sourcesSeen().size === 0) return;
    ctx.sendAll(ctx.neighbours.ids(), this.fullUpdate(ctx));
  }

  /** Recomputes best routes; sends what changed to every neighbour and reports route and downstream changes. */
  recompute(ctx: NodeContext): void {
    const { changed } = ctx.routes.recompute((n) => (ctx.neighbours.has(n) ? ctx.linkCosts.get(n) : undefined));
    if (changed.length > 0) {
      const routes: RouteAdvert[] = [];
      const withdrawn: ScxId[] = [];
      for (const c of changed) {
        if (c.after) routes.push(ctx.routes.advertOf(c.after));
        else withdrawn.push(c.source);
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
      const update: RouteUpdate = { type: MessageType.ROUTE_UPDATE, full: false, routes, withdrawn };
      if (ctx.neighbours.size > 0) ctx.sendAll(ctx.neighbours.ids(), update);
    }
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
