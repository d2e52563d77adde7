/**
 * `/metrics` in the Prometheus text format (version 0.0.4), through prom-client: sessions, neighbours, routes,
 * per-channel packets and bytes in and out, drops by reason, probe RTTs, the node's own counters, the node's
 * histograms (`node-histograms.ts`), and the process's default metrics (event-loop lag, GC, heap, handles).
 *
 * Each node has its own Registry (several nodes share a process in the demo and the tests); the process metrics
 * live in one registry per process (`processMetrics`), merged in at each scrape. Nothing is counted twice: the
 * gauges and counters are read from the state the node already keeps when a scrape asks, so the data path only
 * ever increments its plain counters and observes the sampled histograms.
 */

import { Registry } from 'prom-client';
import { family, type Sample } from './metric-family.ts';
import { addRadio, type RadioMetrics } from '../apps/musicast/radio-metrics.ts';
import { addWhiteboard } from '../apps/whiteboard/whiteboard-metrics.ts';
import type { WhiteboardMetrics } from '../apps/whiteboard/whiteboard.ts';
import type { ClusterPlacement } from '../cluster/cluster-placement.ts';
import type { LiveStats } from '../dashboard/dashboard-server.ts';
import type { ClusterGateStats } from './cluster-gate.ts';
import { processMetrics } from './node-histograms.ts';
import type { ScxNode } from './scx-node.ts';
import type { EmulatedReceive } from './emulated-receive.ts';
import type { RuleCounters } from './link-emulator.ts';


/** The content type of what `renderMetrics` returns. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** What a node's metrics show besides the node itself. */
export interface MetricParts {
  /** The frontend's placement, when this node's frontend spreads sessions over a cluster. */
  readonly placement?: ClusterPlacement;
  /** The admin server's dashboard WebSocket (`/v1/live`). */
  readonly live?: { readonly stats: LiveStats };
  /** The admin server's gate of its cluster-internal routes. */
  readonly gate?: { readonly stats: ClusterGateStats };
  /** MusiCast's mounts and radio port. */
  readonly radio?: RadioMetrics;
  /** The whiteboard's presentations and counters. */
  readonly whiteboard?: WhiteboardMetrics;
}

interface NodeRegistry {
  readonly registry: Registry;
  /** The parts whose families are registered already. */
  readonly added: Set<keyof MetricParts>;
}

const registries = new WeakMap<ScxNode, NodeRegistry>();

/** Renders the node's metrics, with the parts it is given (registered at the first scrape that gives each). */
export async function renderMetrics(node: ScxNode, parts: MetricParts = {}): Promise<string> {
  let entry = registries.get(node);
  if (!entry) {
    entry = { registry: nodeRegistry(node), added: new Set() };
    registries.set(node, entry);
  }
  addOnce(entry, 'placement', parts.placement, addPlacement);
  addOnce(entry, 'live', parts.live, addLive);
  addOnce(entry, 'gate', parts.gate, addGate);
  addOnce(entry, 'radio', parts.radio, addRadio);
  addOnce(entry, 'whiteboard', parts.whiteboard, addWhiteboard);
  return Registry.merge([entry.registry, processMetrics()]).metrics();
}

/** Registers the families of `part` unless they are already. */
function addOnce<T>(entry: NodeRegistry, key: keyof MetricParts, part: T | undefined, add: (r: Registry, part: T) => void): void {
  if (part === undefined || entry.added.has(key)) return;
  add(entry.registry, part);
  entry.added.add(key);
}

function nodeRegistry(node: ScxNode): Registry {
  const r = new Registry();
  const sessions = () => [...node.sessions.values()];
  const perSession = (f: (s: ReturnType<typeof sessions>[number]) => number) => (): Sample[] => sessions().map((s) => [{ session: s.name }, f(s)]);
  const perChannel = (f: (c: ChannelStatsLike) => number) => (): Sample[] =>
    sessions().flatMap((s) => [...s.channels].map(([id, ch]): Sample => [{ session: s.name, channel: id }, f(ch.runtime.stats)]));
  const one = (f: () => number) => (): Sample[] => [[{}, f()]];
  const S = ['session'];
  const SC = ['session', 'channel'];

  family(r, 'gauge', 'scattercast_sessions', 'Sessions this node hosts an SCX for.', [], one(() => node.sessions.size));
  family(r, 'counter', 'scattercast_sessions_refused_total', 'Joins of new sessions refused: the node hosted limits.sessionsPerNode already.', [], one(() => node.sessionCap.refused));
  family(r, 'gauge', 'scattercast_neighbours', 'Mesh neighbours of the SCX.', S, perSession((s) => s.gossamer.neighbours.size));
  family(r, 'gauge', 'scattercast_routes', 'Sources the SCX has a route to.', S, perSession((s) => s.gossamer.routes.size));
  family(r, 'gauge', 'scattercast_members_known', 'SCXs of the session known alive.', S, perSession((s) => s.gossamer.membership.size));
  family(r, 'counter', 'scattercast_control_messages_sent_total', 'Gossamer messages sent.', S, perSession((s) => s.gossamer.stats.messagesSent));
  family(r, 'counter', 'scattercast_control_bytes_sent_total', 'Gossamer bytes sent.', S, perSession((s) => s.gossamer.stats.bytesSent));
  family(r, 'counter', 'scattercast_control_messages_received_total', 'Gossamer messages received.', S, perSession((s) => s.gossamer.stats.messagesReceived));
  family(r, 'counter', 'scattercast_ids_refused_total', 'SCX ids refused as not a node host:port (gossiped, to measure, or a sender): never learned.', S, perSession((s) => s.gossamer.stats.idsRefused));
  family(r, 'counter', 'scattercast_members_refused_total', 'SCX ids not learned for the membership bounds: answer (past gossamer.discoveryMembersPerAnswer in one list), full (gossamer.maxMembers held).', [...S, 'reason'], () =>
    sessions().flatMap((s) => Object.entries(s.gossamer.stats.membersRefused).map(([reason, n]): Sample => [{ session: s.name, reason }, n])),
  );
  family(r, 'counter', 'scattercast_routes_refused_total', 'Sources refused in route updates: their neighbour already advertised gossamer.maxSourcesPerNeighbour.', S, perSession((s) => s.gossamer.stats.routesRefused));
  family(r, 'counter', 'scattercast_suspect_hints_total', 'Neighbours suspected at once on a broken connection, before any timeout.', S, perSession((s) => s.gossamer.stats.suspectHints));
  family(r, 'counter', 'scattercast_refused_failures_total', 'Suspected neighbours declared failed at once: their host refused a connection (the process is gone).', S, perSession((s) => s.gossamer.stats.refusedFailures));
  family(r, 'counter', 'scattercast_failure_reports_checked_total', 'Failure reports (LEAVEs issued on another SCX\'s behalf) checked by pinging the reported SCX: refuted (it answered), confirmed (silent), overflow (too many under check).', [...S, 'outcome'], () =>
    sessions().flatMap((s) => Object.entries(s.gossamer.stats.failureChecks).map(([outcome, n]): Sample => [{ session: s.name, outcome }, n])),
  );
  family(r, 'counter', 'scattercast_upstream_changes_total', "A source's upstream moved to another neighbour or was lost (each a make-before-break handover).", S, perSession((s) => s.upstreamChanges));
  family(r, 'counter', 'scattercast_data_silent_upstreams_total', 'Upstreams routed around because their data connection went silent while control flowed (a gray failure).', S, perSession((s) => s.dataSilentUpstreams));
  family(r, 'counter', 'scattercast_channel_packets_in_total', 'Data packets into the channel.', SC, perChannel((c) => c.packetsIn));
  family(r, 'counter', 'scattercast_channel_bytes_in_total', 'Data bytes into the channel.', SC, perChannel((c) => c.bytesIn));
  family(r, 'counter', 'scattercast_channel_packets_out_total', 'Data packets written to links.', SC, perChannel((c) => c.packetsOut));
  family(r, 'counter', 'scattercast_channel_bytes_out_total', 'Data bytes written to links.', SC, perChannel((c) => c.bytesOut));
  family(r, 'counter', 'scattercast_channel_delivered_total', 'Data packets handed to local clients.', SC, perChannel((c) => c.delivered));
  family(r, 'gauge', 'scattercast_channel_queued_bytes', "Bytes waiting on the channel's link schedulers, all links together.", SC, () =>
    sessions().flatMap((s) => [...s.channels].map(([id, ch]): Sample => [{ session: s.name, channel: id }, ch.runtime.totalQueuedBytes()])),
  );
  family(r, 'counter', 'scattercast_channel_drops_total', 'Data packets dropped, by reason.', [...SC, 'reason'], () =>
    sessions().flatMap((s) =>
      [...s.channels].flatMap(([id, ch]) =>
        Object.entries(ch.runtime.stats.drops).map(([reason, n]): Sample => [{ session: s.name, channel: id, reason }, n ?? 0]),
      ),
    ),
  );
  family(r, 'counter', 'scattercast_module_events_total', "A service module's own counters, by name.", [...SC, 'counter'], () =>
    sessions().flatMap((s) =>
      [...s.channels].flatMap(([id, ch]) =>
        Object.entries(ch.runtime.module.counters?.() ?? {}).map(([counter, n]): Sample => [{ session: s.name, channel: id, counter }, n]),
      ),
    ),
  );
  family(r, 'gauge', 'scattercast_probe_rtt_seconds', 'Smoothed round-trip time to a peer, seconds.', ['peer'], () =>
    [...node.probe.cache].flatMap(([peer, e]): Sample[] => (e.rttMs === undefined ? [] : [[{ peer }, e.rttMs / 1000]])),
  );
  family(r, 'counter', 'scattercast_probe_pings_sent_total', 'Probe pings sent to a peer.', ['peer'], () => [...node.probe.cache].map(([peer, e]) => [{ peer }, e.sent]));
  family(r, 'counter', 'scattercast_probe_peers_refused_total', 'Peers not measured: wanted while the probe cache held MAX_PROBE_PEERS (src/net/probe.ts).', [], one(() => node.probe.peersRefused));
  family(r, 'gauge', 'scattercast_clients', 'Clients attached over unicast, by role.', ['role'], () => [
    [{ role: 'receive' }, node.clients.receiverCount],
    [{ role: 'send' }, node.clients.senderCount],
  ]);
  family(r, 'counter', 'scattercast_clients_refused_total', 'Client connections refused (no such session or channel here).', [], one(() => node.clients.refused));
  family(r, 'counter', 'scattercast_client_control_refused_total', 'Client control frames refused: malformed (an unknown type byte, an empty frame, a payload from a receiver), or undeliverable (no attached client took the bytes).', ['reason'], () => [
    [{ reason: 'malformed' }, node.clients.control.malformed],
    [{ reason: 'undeliverable' }, node.clients.control.undeliverable],
  ]);
  family(r, 'counter', 'scattercast_clients_cut_off_total', 'Receivers cut off for reading too slowly.', [], one(() => node.clients.cutOff));
  family(r, 'counter', 'scattercast_sources_refused_total', 'Senders refused at attach for their credential, by code (docs/security.md).', ['code'], () => [...node.clients.sources.refused].map(([code, n]): Sample => [{ code }, n]));
  family(r, 'counter', 'scattercast_data_links_silent_total', 'TCP data connections reset after hearing nothing (not even a keepalive) for dataLinkSilenceMs, by which end this node was.', ['end'], () =>
    Object.entries(node.watchdog.silent).map(([end, n]): Sample => [{ end }, n]),
  );
  family(r, 'gauge', 'scattercast_control_connections', 'Open control connections to peer nodes.', [], one(() => node.tcp.controlPeers().length));
  family(r, 'counter', 'scattercast_unknown_session_total', 'Frames for sessions this node does not host.', [], one(() => node.counters.unknownSession));
  family(r, 'counter', 'scattercast_malformed_total', 'Frames or packets that failed to decode.', [], one(() => node.counters.malformed));
  family(r, 'counter', 'scattercast_sessions_failed_total', 'Sessions stopped by an error in their code.', [], one(() => node.counters.sessionsFailed));
  family(r, 'counter', 'scattercast_udp_send_errors_total', 'Datagrams the kernel refused.', [], one(() => node.udp.sendErrors));
  family(r, 'counter', 'scattercast_hellos_refused_total', 'Connections refused at their hello or their TLS credential, by code (ERR_PEER_*: docs/security.md).', ['code'], () => [...node.tcp.refusedHellos].map(([code, n]): Sample => [{ code }, n]));
  family(r, 'gauge', 'scattercast_secure', 'Whether node links are mutual TLS under the overlay (1) or plaintext and unauthenticated, trust.insecure (0).', [], one(() => (node.secure ? 1 : 0)));
  family(r, 'counter', 'scattercast_udp_data_unauthenticated_total', 'UDP data datagrams not sent (no key to the peer yet) or dropped (no key to the sender, or a bad tag), by which.', ['what'], () => [
    [{ what: 'unkeyed_send' }, node.udp.unkeyed],
    [{ what: 'refused' }, node.udp.unauthenticated],
  ]);
  family(r, 'counter', 'scattercast_connections_refused_total', 'Connections destroyed at accept, unread, by the limit they were over (per_ip, total, pending_handshakes).', ['reason'], () =>
    Object.entries(node.tcp.acceptLimits.refused).map(([reason, n]): Sample => [{ reason }, n]),
  );
  family(r, 'gauge', 'scattercast_accepted_connections', 'Open accepted connections (control, data, client), at most limits.connectionsTotal.', [], one(() => node.tcp.acceptLimits.open));
  family(r, 'gauge', 'scattercast_pending_handshakes', 'Accepted connections still without a hello, at most limits.pendingHandshakes.', [], one(() => node.tcp.acceptLimits.pending));
  family(r, 'gauge', 'scattercast_accepted_connection_ips', 'Remote IP addresses with an open accepted connection (each one held by limits.connectionsPerIp).', [], one(() => node.tcp.acceptLimits.ips));
  family(r, 'counter', 'scattercast_control_frames_dropped_total', 'Control frames dropped: their connection was over limits.controlBytesPerSecond.', [], one(() => node.tcp.controlFramesDropped));
  family(r, 'counter', 'scattercast_bad_address_sends_total', 'Sends dropped because the peer id is not a node host:port, by socket.', ['socket'], () => [
    [{ socket: 'tcp' }, node.tcp.badAddresses],
    [{ socket: 'udp' }, node.udp.badAddresses],
  ]);
  family(r, 'counter', 'scattercast_unproven_contacts_refused_total', 'TCP dials and probes to addresses that never answered, not made: over limits.unprovenDialsPerSecond.', [], one(() => node.dialBudget.refused));
  family(r, 'counter', 'scattercast_forged_state_refused_total', 'LEAVEs, HEARTBEATs and source adverts refused: their origin proof was missing, invalid or stale, by kind and code.', ['kind', 'code'], () =>
    node.forgedState.samples().map(({ kind, code, n }): Sample => [{ kind, code }, n]),
  );
  family(r, 'gauge', 'scattercast_uplink_rate_bytes', 'Paced uplinks in use (config uplinks): the rate data leaves for the peer at, bytes/s.', ['peer'], () =>
    node.uplinks.peers().map((peer): Sample => [{ peer }, node.uplinks.rateOf(peer) ?? 0]),
  );
  family(r, 'counter', 'scattercast_uplink_packets_total', 'Data packets sent through paced uplinks, by fair share at their rate.', [], one(() => node.uplinks.packets));
  family(r, 'counter', 'scattercast_callback_errors_total', 'Exceptions caught in socket and timer callbacks (a bug met; the node went on).', [], one(() => node.guard.caught));
  if (node.emulated) addEmulated(r, node.emulated);
  r.registerMetric(node.histograms.probeRtt);
  r.registerMetric(node.histograms.relayDelay);
  return r;
}

/** The link emulator's rules and what it did, per rule (a peer's `host:port`, a host, or `default`). */
function addEmulated(r: Registry, emulated: EmulatedReceive): void {
  const e = emulated.emulator;
  const perRule = (f: (c: RuleCounters) => number) => (): Sample[] => [...e.counters].map(([peer, c]): Sample => [{ peer }, f(c)]);
  family(r, 'gauge', 'scattercast_emulated_link_info', 'An emulated link (emulate in the config): what arrives from these peers is delayed, thinned and throttled. Always 1.', ['peer', 'delay_ms', 'jitter_ms', 'loss', 'rate_kbps'], () =>
    e.allRules().map(({ peer, link }): Sample => [{ peer, delay_ms: link.delayMs, jitter_ms: link.jitterMs, loss: link.loss, rate_kbps: link.rateKbps }, 1]),
  );
  family(r, 'counter', 'scattercast_emulated_messages_total', 'Messages (stream reads, datagrams) the link emulator delayed.', ['peer'], perRule((c) => c.delayed));
  family(r, 'counter', 'scattercast_emulated_bytes_total', 'Bytes the link emulator delayed.', ['peer'], perRule((c) => c.bytes));
  family(r, 'counter', 'scattercast_emulated_drops_total', 'Datagrams the link emulator dropped: loss (its draw), queue_full (the link held emulate.maxQueueBytes), overflow (too many links held bytes).', ['peer', 'reason'], () =>
    [...e.counters].flatMap(([peer, c]) => Object.entries(c.drops).map(([reason, n]): Sample => [{ peer, reason: reason.replace('-', '_') }, n])),
  );
  family(r, 'counter', 'scattercast_emulated_backpressure_total', 'Times a TCP connection stopped reading: its emulated link held emulate.maxQueueBytes.', ['peer'], perRule((c) => c.backpressure));
  family(r, 'gauge', 'scattercast_emulated_pending', 'Messages the link emulator holds now.', [], () => [[{}, emulated.pending]]);
}

/** The frontend's view of its cluster. */
function addPlacement(r: Registry, placement: ClusterPlacement): void {
  const members = () => [...placement.health];
  const placed = (m: string): number => [...placement.placements.values()].filter((p) => p.member === m).length;
  family(r, 'gauge', 'scattercast_cluster_member_healthy', 'Whether the frontend sees a cluster member healthy (1) or not (0).', ['member'], () =>
    members().map(([m, h]) => [{ member: m }, h.healthy ? 1 : 0]),
  );
  family(r, 'gauge', 'scattercast_cluster_sessions_placed', 'Sessions the frontend placed on a member.', ['member'], () => members().map(([m]) => [{ member: m }, placed(m)]));
  family(r, 'counter', 'scattercast_cluster_sessions_moved_total', 'Sessions moved off a member that went down.', [], () => [[{}, placement.counters.moved]]);
  family(r, 'counter', 'scattercast_cluster_session_moves_failed_total', 'Sessions that could not be moved (no healthy member took them).', [], () => [
    [{}, placement.counters.moveFailed],
  ]);
  family(r, 'counter', 'scattercast_cluster_sessions_refused_total', 'Asks for new sessions refused, by why: the frontend placed limits.sessionsPerFrontend already, or every member was full.', ['limit'], () => [
    [{ limit: 'frontend' }, placement.cap.refused],
    [{ limit: 'members' }, placement.counters.membersFull],
  ]);
}

/** The dashboard's WebSocket clients. */
function addLive(r: Registry, live: { readonly stats: LiveStats }): void {
  family(r, 'gauge', 'scattercast_live_clients', 'Dashboard WebSocket clients (/v1/live) connected.', [], () => [[{}, live.stats.clients]]);
  family(r, 'counter', 'scattercast_live_clients_refused_total', 'Dashboard WebSocket upgrades refused: limits.liveClients were connected.', [], () => [[{}, live.stats.refused]]);
  family(r, 'counter', 'scattercast_live_clients_cut_total', 'Dashboard WebSocket clients cut off: more than limits.liveSendBufferBytes waited to be sent to them.', [], () => [[{}, live.stats.cut]]);
}

/** The admin server's cluster-internal routes. */
function addGate(r: Registry, gate: { readonly stats: ClusterGateStats }): void {
  family(r, 'gauge', 'scattercast_admin_internal_open', 'Whether /state, /v1/host and /v1/probe answer anyone (1: the node has no cluster token) or only the cluster token (0).', [], () => [[{}, gate.stats.open ? 1 : 0]]);
  family(r, 'counter', 'scattercast_admin_unauthorized_total', 'Cluster-internal admin requests refused with 401 ERR_UNAUTHORIZED: no or a wrong cluster token, by route.', ['route'], () =>
    [...gate.stats.refused].map(([route, n]): Sample => [{ route }, n]),
  );
}

interface ChannelStatsLike {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  delivered: number;
}
