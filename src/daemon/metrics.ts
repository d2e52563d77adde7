/**
 * `/metrics` in the Prometheus text format (version 0.0.4): sessions, neighbours, routes, per-channel packets
 * and bytes in and out, drops by reason, probe RTTs, and the node's own counters.
 */

import type { ClusterPlacement } from '../cluster/cluster-placement.ts';
import type { ScxNode } from './scx-node.ts';

type Sample = [labels: Record<string, string | number>, value: number];

/** Renders the node's metrics, and its frontend's placement if it spreads sessions over a cluster. */
export function renderMetrics(node: ScxNode, placement?: ClusterPlacement): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${formatLabels(labels)} ${value}`);
  };
  const sessions = [...node.sessions.values()];
  const perSession = (f: (s: (typeof sessions)[number]) => number): Sample[] => sessions.map((s) => [{ session: s.name }, f(s)]);
  const perChannel = (f: (c: ChannelStatsLike) => number): Sample[] =>
    sessions.flatMap((s) => [...s.channels].map(([id, ch]): Sample => [{ session: s.name, channel: id }, f(ch.runtime.stats)]));

  family('scattercast_sessions', 'gauge', 'Sessions this node hosts an SCX for.', [[{}, sessions.length]]);
  family('scattercast_neighbours', 'gauge', 'Mesh neighbours of the SCX.', perSession((s) => s.gossamer.neighbours.size));
  family('scattercast_routes', 'gauge', 'Sources the SCX has a route to.', perSession((s) => s.gossamer.routes.size));
  family('scattercast_members_known', 'gauge', 'SCXs of the session known alive.', perSession((s) => s.gossamer.membership.size));
  family('scattercast_control_messages_sent_total', 'counter', 'Gossamer messages sent.', perSession((s) => s.gossamer.stats.messagesSent));
  family('scattercast_control_bytes_sent_total', 'counter', 'Gossamer bytes sent.', perSession((s) => s.gossamer.stats.bytesSent));
  family('scattercast_control_messages_received_total', 'counter', 'Gossamer messages received.', perSession((s) => s.gossamer.stats.messagesReceived));
  family('scattercast_channel_packets_in_total', 'counter', 'Data packets into the channel.', perChannel((c) => c.packetsIn));
  family('scattercast_channel_bytes_in_total', 'counter', 'Data bytes into the channel.', perChannel((c) => c.bytesIn));
  family('scattercast_channel_packets_out_total', 'counter', 'Data packets written to links.', perChannel((c) => c.packetsOut));
  family('scattercast_channel_bytes_out_total', 'counter', 'Data bytes written to links.', perChannel((c) => c.bytesOut));
  family('scattercast_channel_delivered_total', 'counter', 'Data packets handed to local clients.', perChannel((c) => c.delivered));
  family(
    'scattercast_channel_drops_total',
    'counter',
    'Data packets dropped, by reason.',
    sessions.flatMap((s) =>
      [...s.channels].flatMap(([id, ch]) =>
        Object.entries(ch.runtime.stats.drops).map(([reason, n]): Sample => [{ session: s.name, channel: id, reason }, n ?? 0]),
      ),
    ),
  );
  family(
    'scattercast_module_counter',
    'counter',
    "A service module's own counters, by name.",
    sessions.flatMap((s) =>
      [...s.channels].flatMap(([id, ch]) =>
        Object.entries(ch.runtime.module.counters?.() ?? {}).map(([counter, n]): Sample => [{ session: s.name, channel: id, counter }, n]),
      ),
    ),
  );
  const rtts = [...node.probe.cache].filter(([, e]) => e.rttMs !== undefined);
  family('scattercast_probe_rtt_ms', 'gauge', 'Smoothed round-trip time to a peer, ms.', rtts.map(([peer, e]) => [{ peer }, e.rttMs as number]));
  family('scattercast_probe_pings_sent_total', 'counter', 'Probe pings sent to a peer.', [...node.probe.cache].map(([peer, e]) => [{ peer }, e.sent]));
  family('scattercast_clients', 'gauge', 'Clients attached over unicast, by role.', [
    [{ role: 'receive' }, node.clients.receiverCount],
    [{ role: 'send' }, node.clients.senderCount],
  ]);
  family('scattercast_clients_refused_total', 'counter', 'Client connections refused (no such session or channel here).', [[{}, node.clients.refused]]);
  family('scattercast_clients_cut_off_total', 'counter', 'Receivers cut off for reading too slowly.', [[{}, node.clients.cutOff]]);
  family('scattercast_control_connections', 'gauge', 'Open control connections to peer nodes.', [[{}, node.tcp.controlPeers().length]]);
  family('scattercast_unknown_session_total', 'counter', 'Frames for sessions this node does not host.', [[{}, node.counters.unknownSession]]);
  family('scattercast_malformed_total', 'counter', 'Frames or packets that failed to decode.', [[{}, node.counters.malformed]]);
  family('scattercast_sessions_failed_total', 'counter', 'Sessions stopped by an error in their code.', [[{}, node.counters.sessionsFailed]]);
  family('scattercast_udp_send_errors_total', 'counter', 'Datagrams the kernel refused.', [[{}, node.udp.sendErrors]]);
  if (placement) {
    const members = [...placement.health];
    const placed = (m: string): number => [...placement.placements.values()].filter((p) => p.member === m).length;
    family('scattercast_cluster_member_healthy', 'gauge', 'Whether the frontend sees a cluster member healthy (1) or not (0).', members.map(([m, h]) => [{ member: m }, h.healthy ? 1 : 0]));
    family('scattercast_cluster_sessions_placed', 'gauge', 'Sessions the frontend placed on a member.', members.map(([m]) => [{ member: m }, placed(m)]));
    family('scattercast_cluster_sessions_moved_total', 'counter', 'Sessions moved off a member that went down.', [[{}, placement.counters.moved]]);
    family('scattercast_cluster_session_moves_failed_total', 'counter', 'Sessions that could not be moved (no healthy member took them).', [[{}, placement.counters.moveFailed]]);
  }
  return `${out.join('\n')}\n`;
}

interface ChannelStatsLike {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  delivered: number;
}

function formatLabels(labels: Record<string, string | number>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
