import type { NodeView } from '../dashboard/snapshot.ts';
import type { ScxNode } from './scx-node.ts';

/**
 * A JSON snapshot of a node for `/state`, the dashboard and tests: its sessions (each SCX's neighbours, routes and
 * channels), its links (neighbours and peers it sends to) with rates and RTTs, its clients, and the probe cache.
 */
export function nodeState(node: ScxNode, cluster: string | null = null): NodeView & { probe: Record<string, number | null> } {
  const rtt = (peer: string): number | null => node.probe.cache.get(peer)?.rttMs ?? null;
  const sent = node.dataLinks.sent;
  const received = node.received;
  const peers = new Set([...sent.keys(), ...received.keys()]);
  for (const s of node.sessions.values()) for (const n of s.gossamer.neighbours.ids()) peers.add(n);
  return {
    address: node.self,
    cluster,
    healthy: true,
    sessions: [...node.sessions.values()].map((s) => ({
      name: s.name,
      id: s.idHex,
      neighbours: s.gossamer.neighbours.ids().sort(),
      members: s.gossamer.membership.size,
      generator: s.gossamer.generator ?? null,
      suspectHints: s.gossamer.stats.suspectHints,
      upstreamChanges: s.upstreamChanges,
      dataSilentUpstreams: s.dataSilentUpstreams,
      refusedFailures: s.gossamer.stats.refusedFailures,
      routes: [...s.gossamer.routes.routes()].map((r) => ({
        source: r.source,
        upstream: r.upstream ?? null,
        costMs: r.costMs,
        downstream: s.gossamer.downstream(r.source),
      })),
      channels: [...s.channels].map(([id, ch]) => ({ id, transport: ch.transport, ...ch.runtime.stats })),
    })),
    links: [...peers].sort().map((peer) => {
      const out = sent.get(peer);
      const got = received.get(peer);
      return {
        peer,
        rttMs: rtt(peer),
        packetsPerS: out?.packetsPerS ?? 0,
        bytesPerS: out?.bytesPerS ?? 0,
        inPacketsPerS: got?.packetsPerS ?? 0,
        inBytesPerS: got?.bytesPerS ?? 0,
      };
    }),
    clients: [...node.clients.attached].map((c) => {
      const r = node.clients.traffic.get(c.id);
      return { id: c.id, session: c.session, channel: c.channel, role: c.role, packets: r?.packets ?? 0, packetsPerS: r?.packetsPerS ?? 0 };
    }),
    probe: Object.fromEntries([...node.probe.cache].map(([peer, e]) => [peer, e.rttMs ?? null])),
  };
}
