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

/** A module-to-module control message ready to go. */
export interface ControlTransmit {
  readonly to: LinkId;
  readonly data: Uint8Array;
}

/** Drives one channel's service module. */
export class ChannelRuntime {
  readonly stats: ChannelStats = newChannelStats();
  readonly module: ServiceModule;
  private now: Millis = 0;
  private deadline: Millis | undefined;
  private readonly schedulers = new Map<LinkId, LinkScheduler>();
  private readonly ready = new Set<LinkId>();
  private readonly controls = new Fifo<ControlTransmit>();
  private readonly deliveries = new Fifo<DataPacket>();

  constructor(private readonly options: ChannelRuntimeOptions) {
    this.module = options.factory.create(this.context());
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
    const s = this.schedulers.get(link);
    const out: DataPacket[] = [];
    if (!s) return out;
    let bytes = 0;
    while (s.length > 0 && (out.length === 0 || bytes < maxBytes)) {
      const p = s.dequeue() as DataPacket;
      out.push(p);
      bytes += p.bytes.length;
    }
    this.stats.packetsOut += out.length;
    this.stats.bytesOut += bytes;
    if (s.length > 0) this.ready.add(link);
    return out;
  }

  /** Puts `link` back among the ready ones (its connection could not take more yet). */
  requeue(link: LinkId): void {
    if ((this.schedulers.get(link)?.length ?? 0) > 0) this.ready.add(link);
  }

  /** Bytes waiting on `link`. */
  queuedBytes(link: LinkId): number {
    return this.schedulers.get(link)?.queuedBytes ?? 0;
  }

  /** The next control message, if any. */
  pollControl(): ControlTransmit | undefined {
    return this.controls.shift();
  }

  /** The next packet for local clients, if any. */
  pollDelivery(): DataPacket | undefined {
    return this.deliveries.shift();
  }

  /** Forgets a link's queue (its connection is gone). */
  dropLink(link: LinkId): void {
    this.schedulers.get(link)?.clear();
    this.schedulers.delete(link);
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
      send: (link, packet, trafficClass) => {
        if (link === LOCAL_LINK) return rt.deliverLocal(packet);
        let s = rt.schedulers.get(link);
        if (!s) rt.schedulers.set(link, (s = new LinkScheduler(o.factory.scheduler)));
        if (s.enqueue(packet, trafficClass)) rt.ready.add(link);
        else rt.countDrop('queue-full');
      },
      sendControl: (link, data) => {
        rt.controls.push({ to: link, data });
      },
      deliver: (packet) => rt.deliverLocal(packet),
      drop: (reason) => rt.countDrop(reason),
      wakeAt: (at) => {
        rt.deadline = at;
      },
      upstreamSilent: (link) => o.onUpstreamSilent?.(link),
    };
  }

  private deliverLocal(packet: DataPacket): void {
    this.stats.delivered++;
    this.deliveries.push(packet);
  }
}
