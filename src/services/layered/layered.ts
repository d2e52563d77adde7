/**
 * The `layered` service module: layered transmission (paper 5.2), over TCP data links. A source sends its stream
 * as N layers, the layer number in the first payload byte (layer.ts); each SCX forwards down each link as many
 * layers as the link carries.
 *
 * - Forwarding is the forward module's, one run inside for each layer (composition: the link schedulers reorder
 *   packets across layers, so each layer's sequence is checked on its own; their control messages are tagged with
 *   the layer, layer-control.ts). This module takes their `send` calls and passes a packet of layer k on a link
 *   only while the link carries k + 1 layers or more (else `drop('overflow')`).
 * - Every `checkMs` each link's queue delay is looked at: sustained congestion sheds the top layer (and more if
 *   the link's drain rate cannot carry them), a quiet probe interval adds one back, with backoff on failed
 *   probes (link-layers.ts).
 * - Each layer has its own traffic class (`layer0`, `layer1`, ...), weighted 4:1 from each layer to the next and
 *   with the `lowest-class` drop policy: the scheduler serves the base first and a full queue sheds the highest
 *   enhancement layers queued, never the base while enhancements wait.
 * - Bounded state: one entry per link the forward modules send on, forgotten `linkIdleMs` after its last packet;
 *   at most `maxLayers` forward modules, each bounded by its own `maxSources`.
 */

import type { Millis } from '../../core/time.ts';
import type { NeighbourDownReason } from '../../gossamer/events.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { SchedulerOptions } from '../../transport/scheduler.ts';
import {
  LOCAL_LINK,
  type ChannelContext,
  type LinkId,
  type ServiceModule,
  type ServiceModuleFactory,
} from '../../transport/service-module.ts';
import { ForwardModule } from '../forward/forward.ts';
import { CongestionWatch } from '../pushback/congestion-watch.ts';
import { prefixed } from '../pushback/prefixed.ts';
import { innerContext } from '../inner-context.ts';
import { MAX_LAYERS, layerClass, layerOf } from './layer.ts';
import { decodeLayerControl, encodeLayerControl } from './layer-control.ts';
import { LinkLayers } from './link-layers.ts';
import { layeredSettings, type LayeredOptions, type LayeredSettings } from './options.ts';

/** Counters of one layered module instance (`counters()`). */
export interface LayeredStats {
  /** Packets whose payload named no layer below `maxLayers` (dropped as `malformed`). */
  malformedLayers: number;
  /** LAYER messages for a layer this SCX has no forward module for yet (no packet of it seen): ignored. */
  controlsNoLayer: number;
  /** Packets not sent on a link because it does not carry their layer now (one per link). */
  packetsShed: number;
  /** Layers shed on links, and layers added back by probes. */
  layersShed: number;
  layersAdded: number;
}

/** Layered forwarding. */
export class LayeredModule implements ServiceModule {
  readonly stats: LayeredStats = { malformedLayers: 0, controlsNoLayer: 0, packetsShed: 0, layersShed: 0, layersAdded: 0 };
  private readonly s: LayeredSettings;
  /** One forward module per layer (made at the layer's first packet), and the deadline each asked for. */
  private readonly inners: Array<ForwardModule | undefined> = [];
  private readonly innerDeadlines: Array<Millis | undefined> = [];
  private checkAt: Millis | undefined;
  private readonly watch: CongestionWatch;
  private readonly links = new Map<LinkId, { readonly layers: LinkLayers; lastOfferMs: Millis }>();

  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: LayeredOptions = {},
  ) {
    this.s = layeredSettings(options);
    this.watch = new CongestionWatch(this.s);
  }

  /** This module's counters, and its forward modules' summed over layers with a `forward` prefix. */
  counters(): Readonly<Record<string, number>> {
    const sum: Record<string, number> = {};
    for (const f of this.inners) for (const [k, n] of Object.entries(f?.counters() ?? {})) sum[k] = (sum[k] ?? 0) + n;
    return { ...this.stats, ...prefixed('forward', sum) };
  }

  /** Layers `link` carries now (undefined: nothing was sent on it yet, it starts with every layer). */
  layersOn(link: LinkId): number | undefined {
    return this.links.get(link)?.layers.layers;
  }

  /** Changes of the layers of every link so far (sheds and probes). */
  get layerChanges(): number {
    return this.stats.layersShed + this.stats.layersAdded;
  }

  onData(from: LinkId, packet: DataPacket): void {
    const layer = layerOf(packet, this.s.maxLayers);
    if (layer === undefined) {
      this.stats.malformedLayers++;
      return this.ctx.drop('malformed');
    }
    this.inner(layer).onData(from, packet);
    this.rearm();
  }

  onControl(from: LinkId, data: Uint8Array): void {
    const c = decodeLayerControl(data, this.s.maxLayers);
    if (!c.ok) return this.ctx.drop('malformed');
    // A layer this SCX has no forward module for has no state a message could change.
    const inner = this.inners[c.value.layer];
    if (inner) inner.onControl(from, c.value.data);
    else this.stats.controlsNoLayer++;
    this.rearm();
  }

  onLinkUp(link: LinkId): void {
    for (const f of this.inners) f?.onLinkUp(link);
  }

  onLinkDown(link: LinkId, reason: NeighbourDownReason): void {
    for (const f of this.inners) f?.onLinkDown(link, reason);
    if (reason === 'failed' || reason === 'left') {
      this.links.delete(link);
      this.watch.forget(link);
    }
    this.rearm();
  }

  onUpstreamChange(source: string, upstream: LinkId | undefined, previous: LinkId | undefined): void {
    for (const f of this.inners) f?.onUpstreamChange(source, upstream, previous);
    this.rearm();
  }

  onDownstreamChange(source: string, downstream: readonly LinkId[]): void {
    for (const f of this.inners) f?.onDownstreamChange(source, downstream);
    this.rearm();
  }

  handleTimeout(now: Millis): void {
    this.inners.forEach((f, k) => {
      const at = this.innerDeadlines[k];
      if (f && at !== undefined && at <= now) f.handleTimeout(now);
    });
    if (this.checkAt !== undefined && this.checkAt <= now) this.check(now);
    this.rearm();
  }

  /**
   * The forward module of `layer`: each layer's sequence is checked on its own, since the link schedulers reorder
   * packets across layers (a base packet may leave after an enhancement packet sent after it).
   */
  private inner(layer: number): ForwardModule {
    const known = this.inners[layer];
    if (known) return known;
    const ctx = this.ctx;
    const hooks = { deliver: (p: DataPacket) => ctx.deliver(p), wakeAt: (at: Millis | undefined) => (this.innerDeadlines[layer] = at) };
    const f = new ForwardModule(
      {
        ...innerContext(ctx, hooks),
        send: (link: LinkId, p: DataPacket) => this.sendLayer(link, p, layer),
        sendControl: (link: LinkId, data: Uint8Array) => ctx.sendControl(link, encodeLayerControl(layer, data)),
      },
      this.options.forward,
    );
    this.inners[layer] = f;
    return f;
  }

  /** The forward module sends `packet` on `link`: in its layer's class if the link carries the layer, else shed. */
  private sendLayer(link: LinkId, packet: DataPacket, layer: number): void {
    if (link === LOCAL_LINK) return this.ctx.send(link, packet);
    const now = this.ctx.now();
    let l = this.links.get(link);
    if (!l) {
      l = { layers: new LinkLayers(this.s, this.s.maxLayers, now), lastOfferMs: now };
      this.links.set(link, l);
      this.checkAt ??= now + this.s.checkMs;
    }
    l.lastOfferMs = now;
    if (l.layers.offer(layer, packet.bytes.length)) return this.ctx.send(link, packet, layerClass(layer));
    this.stats.packetsShed++;
    this.ctx.drop('overflow');
  }

  /** The periodic look at every link: shed or add layers, forget idle links. */
  private check(now: Millis): void {
    for (const [link, l] of this.links) {
      if (now - l.lastOfferMs >= this.s.linkIdleMs) {
        this.links.delete(link);
        this.watch.forget(link);
        continue;
      }
      const delay = this.ctx.queueDelayMs(link);
      const congested = this.watch.observe(link, delay, now);
      const change = l.layers.look(now, delay > this.s.delayMs, congested, this.ctx.queuedBytes(link), this.ctx.linkRate(link));
      if (change < 0) {
        this.stats.layersShed -= change;
        this.watch.restart(link, now);
      } else this.stats.layersAdded += change;
    }
    this.checkAt = this.links.size > 0 ? now + this.s.checkMs : undefined;
  }

  private rearm(): void {
    let next = this.checkAt;
    for (const at of this.innerDeadlines) if (at !== undefined && (next === undefined || at < next)) next = at;
    this.ctx.wakeAt(next);
  }
}

/** The link scheduler of layered channels: classes by layer, the base first, enhancements shed first, 128 KiB a link. */
export const LAYERED_SCHEDULER: SchedulerOptions = {
  maxQueueBytes: 128 * 1024,
  dropPolicy: 'lowest-class',
  precedence: Array.from({ length: MAX_LAYERS }, (_, k) => layerClass(k)),
  weights: Object.fromEntries(Array.from({ length: MAX_LAYERS }, (_, k) => [layerClass(k), 4 ** (MAX_LAYERS - 1 - k)])),
};

/** A layered module factory with these options (transport name `layered`, over TCP). */
export function layeredFactory(options: LayeredOptions = {}): ServiceModuleFactory {
  layeredSettings(options); // refuses bad options when the factory is made, not per channel
  return {
    names: ['layered'],
    dataTransport: 'tcp',
    description: 'layered transmission: each link carries as many layers (first payload byte) as it drains, over TCP',
    scheduler: LAYERED_SCHEDULER,
    create: (ctx) => new LayeredModule(ctx, options),
  };
}

/** `layered` with the default options. */
export const layered = layeredFactory();
