/**
 * Composition of service modules: the context of a module run inside another one. Everything goes straight to
 * the framework except local deliveries and the timer, which the outer module takes (it has one deadline to
 * give the framework, and decides what its clients see).
 */

import type { Millis } from '../core/time.ts';
import type { DataPacket } from '../session/data-header.ts';
import type { ChannelContext } from '../transport/service-module.ts';

/** What the outer module takes from the inner one. */
export interface InnerHooks {
  /** The inner module handed `packet` to the local clients. */
  deliver(packet: DataPacket): void;
  /** The inner module asked for its `handleTimeout` at `at`, ms (undefined: no deadline). */
  wakeAt(at: Millis | undefined): void;
}

/** A context for an inner module: `ctx` with `deliver` and `wakeAt` diverted to `hooks`. */
export function innerContext(ctx: ChannelContext, hooks: InnerHooks): ChannelContext {
  return {
    self: ctx.self,
    channel: ctx.channel,
    now: () => ctx.now(),
    upstream: (source) => ctx.upstream(source),
    downstream: (source) => ctx.downstream(source),
    links: () => ctx.links(),
    queuedBytes: (link) => ctx.queuedBytes(link),
    linkRate: (link) => ctx.linkRate(link),
    queueDelayMs: (link) => ctx.queueDelayMs(link),
    send: (link, packet, trafficClass) => ctx.send(link, packet, trafficClass),
    sendControl: (link, data) => ctx.sendControl(link, data),
    sendClientControl: (client, data) => ctx.sendClientControl(client, data),
    deliver: (packet) => hooks.deliver(packet),
    drop: (reason) => ctx.drop(reason),
    wakeAt: (at) => hooks.wakeAt(at),
    upstreamSilent: (link) => ctx.upstreamSilent(link),
  };
}
