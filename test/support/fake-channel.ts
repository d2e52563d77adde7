/**
 * A fake ChannelContext of one SCX for driving a service module by hand on a virtual clock: routes from tables,
 * links idle, and a record of what the module sends (data with its class, control), delivers and drops.
 */

import type { DataPacket } from '../../src/session/data-header.ts';
import type { ChannelContext, DropReason, LinkId } from '../../src/transport/service-module.ts';

/** One data packet the module sent. */
export interface Sent {
  readonly link: LinkId;
  readonly packet: DataPacket;
  readonly trafficClass: string | undefined;
}

/** The context of SCX `self` whose routes are `upstream` (source -> link) and `downstream` (source -> links), and what it records. */
export function fakeChannel(self: string, upstream: Record<string, LinkId>, downstream: Record<string, LinkId[]>) {
  /** The virtual clock, ms, and the module's last requested deadline. */
  const clock = { now: 0, wake: undefined as number | undefined };
  const sent: Sent[] = [];
  const controls: Array<{ link: LinkId; data: Uint8Array }> = [];
  const delivered: DataPacket[] = [];
  const drops: Partial<Record<DropReason, number>> = {};
  const ctx: ChannelContext = {
    self,
    channel: 1,
    now: () => clock.now,
    upstream: (source) => upstream[source],
    downstream: (source) => downstream[source] ?? [],
    links: () => [...new Set([...Object.values(upstream), ...Object.values(downstream).flat()])],
    queuedBytes: () => 0,
    linkRate: () => undefined,
    queueDelayMs: () => 0,
    send: (link, packet, trafficClass) => sent.push({ link, packet, trafficClass }),
    sendControl: (link, data) => controls.push({ link, data }),
    sendClientControl: () => undefined,
    deliver: (p) => delivered.push(p),
    drop: (reason) => (drops[reason] = (drops[reason] ?? 0) + 1),
    wakeAt: (at) => (clock.wake = at),
    upstreamSilent: () => undefined,
  };
  return { ctx, clock, sent, controls, delivered, drops };
}
