/**
 * One channel of one session at one SCX: its service module, its per-link schedulers and the glue between the
 * Gossamer core's events and the module's upcalls. Sans-IO: the driver (simulator or daemon) hands it packets
 * and time, and takes away what to write on each link, control messages and deliveries.
 */

import { Fifo } from '../core/fifo.ts';
import type { Millis } from '../core/time.ts';
import type { GossamerEvent } from '../gossamer/events.ts';
import type { ScxId } from '../gossamer/wire/messages.ts';
import type { DataPacket } from '../session/data-header.ts';
import { newChannelStats, type ChannelStats } from './channel-stats.ts';
import { DrainMeter } from './drain-meter.ts';
import type { ShareMember } from './link-share.ts';
import { LinkScheduler } from './scheduler.ts';
import {
  LOCAL_LINK,
  type ChannelContext,
  type DropReason,
  type LinkId,
  type ServiceModule,
  type ServiceModuleFactory,
} from './service-module.ts';

/** The Gossamer view a channel needs: the session's trees and mesh at this SCX (a GossamerNode has it). */
export interface TreeView {
  upstream(source: ScxId): ScxId | undefined;
  downstream(source: ScxId): readonly ScxId[];
  neighbourIds(): readonly ScxId[];
}

/** Options of a channel runtime. */
export interface ChannelRuntimeOptions {
  readonly self: ScxId;
  readonly channel: number;
  readonly factory: ServiceModuleFactory;
  readonly tree: TreeView;
  /** The module found `link` silent as a source's upstream (ChannelContext.upstreamSilent); default: nothing done. */
  readonly onUpstreamSilent?: (link: LinkId) => void;
}

/** A link's queue of this channel: its scheduler, and how fast it drains. */
interface LinkQueue {
  readonly scheduler: LinkScheduler;
  readonly drain: DrainMeter;
}

/** A module-to-module control message ready to go. */
export interface ControlTransmit {
  readonly to: LinkId;
  readonly data: Uint8Array;
}

/** Control bytes from the module for a local client (undefined: every control-speaking client of the channel). */
export interface ClientControlTransmit {
  readonly client: string | undefined;
  readonly data: Uint8Array;
}

/** Client control messages queued at most; past that the newest is dropped (a driver that never polls them). */
const MAX_CLIENT_CONTROLS = 4096;

/** Drives one channel's service module. */
export class ChannelRuntime {
  readonly stats: ChannelStats = newChannelStats();
  readonly module: ServiceModule;
  private now: Millis = 0;
  private deadline: Millis | undefined;
  /** Each link's scheduler and drain-rate estimate. */
  private readonly queues = new Map<LinkId, LinkQueue>();
  private readonly ready = new Set<LinkId>();
  private readonly controls = new Fifo<ControlTransmit>();
  private readonly clientControls = new Fifo<ClientControlTransmit>();
  private readonly deliveries = new Fifo<DataPacket>();

  constructor(private readonly options: ChannelRuntimeOptions) {
    this.module = options.factory.create(this.context());
  }

  /** The module's factory: its transport and scheduler options. */
  get factory(): ServiceModuleFactory {
    return this.options.factory;
  }

  /** Feeds a Gossamer event of the session to the module as the matching upcall. */
  onGossamerEvent(now: Millis, ev: GossamerEvent): void {
    this.now = now;
    const m = this.module;
    switch (ev.type) {
      case 'neighbour-up':
        return m.onLinkUp?.(ev.peer);
      case 'neighbour-down':
        if (ev.reason === 'failed' || ev.reason === 'left') this.dropLink(ev.peer);
        return m.onLinkDown?.(ev.peer, ev.reason);
      case 'route-changed':
        return m.onUpstreamChange?.(ev.source, ev.upstream, ev.previousUpstream);
      case 'downstream-changed':
        return m.onDownstreamChange?.(ev.source, ev.downstream);
      default:
        return;
    }
  }

  /** A data packet arrived on `from` (LOCAL_LINK for a local source). */
  receive(now: Millis, from: LinkId, packet: DataPacket): void {
    this.now = now;
    this.stats.packetsIn++;
    this.stats.bytesIn += packet.bytes.length;
    this.module.onData(from, packet);
  }

  /** A control message from the module across `from`. */
  receiveControl(now: Millis, from: LinkId, data: Uint8Array): void {
    this.now = now;
    this.module.onControl?.(from, data);
  }

  /** A local client sent control bytes on its attachment (`client`: its attachment id). */
  receiveClientControl(now: Millis, client: string, data: Uint8Array): void {
    this.now = now;
    this.module.onClientControl?.(client, data);
  }

  /** Runs the module's timer if due. */
  handleTimeout(now: Millis): void {
    this.now = now;
    if (this.deadline === undefined || this.deadline > now) return;
    this.deadline = undefined;
    this.module.handleTimeout?.(now);
  }

  /** When `handleTimeout` must next be called. */
  nextDeadline(): Millis | undefined {
    return this.deadline;
  }

  /** The links with packets waiting since the last call (each once). */
  takeReady(): LinkId[] {
    if (this.ready.size === 0) return [];
    const links = [...this.ready];
    this.ready.clear();
    return links;
  }

  /** Takes up to `maxBytes` of `link`'s waiting packets (at least one if any wait), in scheduler order. */
  dequeue(link: LinkId, maxBytes = Infinity): DataPacket[] {
    const q = this.queues.get(link);
    const out: DataPacket[] = [];
    if (!q) return out;
    const s = q.scheduler;
    let bytes = 0;
    while (s.length > 0 && (out.length === 0 || bytes < maxBytes)) {
      const p = s.dequeue() as DataPacket;
      out.push(p);
      bytes += p.bytes.length;
    }
    this.stats.packetsOut += out.length;
    this.stats.bytesOut += bytes;
    q.drain.drained(this.now, bytes, s.length === 0);
    if (s.length > 0) this.ready.add(link);
    return out;
  }

  /** `link`'s queue as a member of the link's fair share (link-share.ts): pulled one packet at a time at `now()`. */
  member(link: LinkId, now: () => Millis): ShareMember {
    const rt = this;
    return {
      get length() {
        return rt.queues.get(link)?.scheduler.length ?? 0;
      },
      dequeue: () => {
        rt.now = now();
        return rt.dequeue(link, 0)[0];
      },
    };
  }

  /** Bytes waiting on every link of the channel. */
  totalQueuedBytes(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.scheduler.queuedBytes;
    return n;
  }

  /** Bytes/s `link` drained at while packets waited on it; undefined until measured. */
  linkRate(link: LinkId): number | undefined {
    return this.queues.get(link)?.drain.rate;
  }

  /** How long a packet queued on `link` now would wait, ms: queued bytes over the drain rate (0 when unmeasured). */
  queueDelayMs(link: LinkId): number {
    const rate = this.linkRate(link);
    return rate ? (this.queuedBytes(link) * 1000) / rate : 0;
  }

  /** Puts `link` back among the ready ones (its connection could not take more yet). */
  requeue(link: LinkId): void {
    if ((this.queues.get(link)?.scheduler.length ?? 0) > 0) this.ready.add(link);
  }

  /** Bytes waiting on `link`. */
  queuedBytes(link: LinkId): number {
    return this.queues.get(link)?.scheduler.queuedBytes ?? 0;
  }

  /** The next control message, if any. */
  pollControl(): ControlTransmit | undefined {
    return this.controls.shift();
  }

  /** The next control message for local clients, if any. */
  pollClientControl(): ClientControlTransmit | undefined {
    return this.clientControls.shift();
  }

  /** The next packet for local clients, if any. */
  pollDelivery(): DataPacket | undefined {
    return this.deliveries.shift();
  }

  /** Forgets a link's queue (its connection is gone). */
  dropLink(link: LinkId): void {
    this.queues.get(link)?.scheduler.clear();
    this.queues.delete(link);
    this.ready.delete(link);
  }

  private countDrop(reason: DropReason): void {
    const d = this.stats.drops;
    d[reason] = (d[reason] ?? 0) + 1;
  }

  private context(): ChannelContext {
    const o = this.options;
    const rt = this;
    return {
      self: o.self,
      channel: o.channel,
      now: () => rt.now,
      upstream: (source) => o.tree.upstream(source),
      downstream: (source) => o.tree.downstream(source),
      links: () => o.tree.neighbourIds(),
      queuedBytes: (link) => rt.queuedBytes(link),
      linkRate: (link) => rt.linkRate(link),
      queueDelayMs: (link) => rt.queueDelayMs(link),
      send: (link, packet, trafficClass) => rt.enqueue(link, packet, trafficClass),
      sendControl: (link, data) => {
        rt.controls.push({ to: link, data });
      },
      sendClientControl: (client, data) => {
        if (rt.clientControls.length < MAX_CLIENT_CONTROLS) rt.clientControls.push({ client, data });
        else rt.countDrop('overflow');
      },
      deliver: (packet) => rt.deliverLocal(packet),
      drop: (reason) => rt.countDrop(reason),
      wakeAt: (at) => {
        rt.deadline = at;
      },
      upstreamSilent: (link) => o.onUpstreamSilent?.(link),
    };
  }

  /** Queues `packet` on `link`'s scheduler; what overflow drops (the packet, or others by the policy) is counted. */
  private enqueue(link: LinkId, packet: DataPacket, trafficClass: string | undefined): void {
    if (link === LOCAL_LINK) return this.deliverLocal(packet);
    let q = this.queues.get(link);
    if (!q) this.queues.set(link, (q = { scheduler: new LinkScheduler(this.options.factory.scheduler), drain: new DrainMeter() }));
    const s = q.scheduler;
    const evicted = s.evicted;
    const queued = s.enqueue(packet, trafficClass);
    for (let k = s.evicted - evicted; k > 0; k--) this.countDrop('queue-full');
    if (!queued) return this.countDrop('queue-full');
    q.drain.queued(this.now);
    this.ready.add(link);
  }

  private deliverLocal(packet: DataPacket): void {
    this.stats.delivered++;
    this.deliveries.push(packet);
  }
}
