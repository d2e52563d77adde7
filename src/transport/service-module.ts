/**
 * The service-module API of the content-aware transport framework (paper section 5): the narrow interface
 * through which a module decides how one channel's data flows through an SCX.
 *
 * A module sees a localised view of the overlay: its links (one per mesh neighbour, plus `LOCAL_LINK` for the
 * clients attached to this SCX), the upstream link and downstream links of each source's tree, and upcalls
 * when any of them change. It is sans-IO like the Gossamer core: it never touches sockets or timers, so the
 * simulator and the daemon run the very same module.
 */

import type { Millis } from '../core/time.ts';
import type { NeighbourDownReason } from '../gossamer/events.ts';
import type { ScxId } from '../gossamer/wire/messages.ts';
import type { DataPacket } from '../session/data-header.ts';
import type { SchedulerOptions } from './scheduler.ts';

/** A link: a peer SCX's address, or `LOCAL_LINK` for this SCX's own clients (sources and receivers). */
export type LinkId = string;

/** The link to the clients attached to this SCX. */
export const LOCAL_LINK: LinkId = 'local';

/** Why the framework dropped a packet a module handed it. */
export type DropReason = 'queue-full' | 'no-link' | 'not-upstream' | 'duplicate' | 'stale' | 'malformed' | 'overflow';

/** What the framework offers a module: queries on the channel's topology, sending, and the module's clock. */
export interface ChannelContext {
  /** This SCX's address. */
  readonly self: ScxId;
  /** The channel's numeric id. */
  readonly channel: number;
  /** The current time, ms (virtual in the simulator, monotonic in the daemon). */
  now(): Millis;
  /** The link `source`'s data should arrive on; undefined when there is no route or we are the source. */
  upstream(source: ScxId): LinkId | undefined;
  /** The links that take `source`'s data from this SCX (its reverse-shortest-path tree below us). */
  downstream(source: ScxId): readonly LinkId[];
  /** The channel's SCX links that are up now. */
  links(): readonly LinkId[];
  /** Bytes waiting on `link`'s scheduler: how far behind the link is (layered forwarding, pushback). */
  queuedBytes(link: LinkId): number;
  /** Bytes/s `link` drained this channel's queue at while packets waited (drain-meter.ts); undefined until measured. */
  linkRate(link: LinkId): number | undefined;
  /** How long a packet queued on `link` now would wait, ms (queued bytes over `linkRate`; 0 while unmeasured). */
  queueDelayMs(link: LinkId): number;
  /** Queues `packet` on `link`'s scheduler in `trafficClass` (default class when omitted). */
  send(link: LinkId, packet: DataPacket, trafficClass?: string): void;
  /** Sends `data` to the same module at the SCX across `link` (module-to-module control path). */
  sendControl(link: LinkId, data: Uint8Array): void;
  /**
   * Sends `data` to `client`, a client attached to this SCX on this channel (its attachment id, see
   * `onClientControl`), or to every such client when undefined (client control path; the simulator drops it).
   */
  sendClientControl(client: string | undefined, data: Uint8Array): void;
  /** Hands `packet` to this SCX's local clients. */
  deliver(packet: DataPacket): void;
  /** Counts a packet the module dropped on purpose. */
  drop(reason: DropReason): void;
  /** Asks for `handleTimeout` at `at` (ms); one deadline per module, a later call replaces it. */
  wakeAt(at: Millis | undefined): void;
  /**
   * Says `link`, a source's upstream, delivered nothing while another link still delivered that source's data: a
   * data-plane failure that no connection's silence shows (its data connection never opened). The driver routes around it.
   */
  upstreamSilent(link: LinkId): void;
}

/** The upcalls a module implements; all but `onData` are optional. */
export interface ServiceModule {
  /** A link of the channel came up (a mesh neighbour, or local clients attached). */
  onLinkUp?(link: LinkId): void;
  /** A link went down; `reason` tells a failure from a planned change (an optimised-away edge). */
  onLinkDown?(link: LinkId, reason: NeighbourDownReason): void;
  /** The upstream link of `source`'s tree changed from `previous` to `upstream`. */
  onUpstreamChange?(source: ScxId, upstream: LinkId | undefined, previous: LinkId | undefined): void;
  /** The downstream links of `source`'s tree changed. */
  onDownstreamChange?(source: ScxId, downstream: readonly LinkId[]): void;
  /** A data packet arrived on `from` (`LOCAL_LINK` when a local source sent it). */
  onData(from: LinkId, packet: DataPacket): void;
  /** A control message from the module at the SCX across `from`. */
  onControl?(from: LinkId, data: Uint8Array): void;
  /**
   * A client attached to this SCX sent `data` on its attachment's control path; `client` is its attachment id (a
   * local source's is the `source` field the SCX stamps on its packets).
   */
  onClientControl?(client: string, data: Uint8Array): void;
  /** The deadline asked for with `wakeAt` has come. */
  handleTimeout?(now: Millis): void;
  /** The module's own counters, by name (exported on /metrics as `scattercast_module_events_total{counter}`). */
  counters?(): Readonly<Record<string, number>>;
}

/** How SCX-to-SCX data of a channel travels (paper 4.3.2: data connections are separate from control). */
export type DataTransport = 'tcp' | 'udp';

/** A kind of service module, registered under the transport names announcements use. */
export interface ServiceModuleFactory {
  /** The transport names (the announcement's TRANSPORT `unicast` value) this module serves, lower case. */
  readonly names: readonly string[];
  /** How this module's data travels between SCXs. */
  readonly dataTransport: DataTransport;
  /** One-line description, for `--help` and errors. */
  readonly description: string;
  /** The weights of the module's traffic classes and the link queue cap (default: equal weights, 4 MiB). */
  readonly scheduler?: SchedulerOptions;
  /** Creates the module of one channel at one SCX. */
  create(ctx: ChannelContext): ServiceModule;
}
