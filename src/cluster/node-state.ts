import type { ScxNode } from './scx-node.ts';

/** A JSON snapshot of a node: its sessions, each SCX's neighbours, routes and channels. For `/state` and tests. */
export function nodeState(node: ScxNode) {
  return {
    address: node.self,
    sessions: [...node.sessions.values()].map((s) => ({
      name: s.name,
      id: s.idHex,
      neighbours: s.gossamer.neighbours.ids().sort(),
      members: s.gossamer.membership.size,
      generator: s.gossamer.generator ?? null,
      routes: [...s.gossamer.routes.routes()].map((r) => ({
        source: r.source,
        upstream: r.upstream ?? null,
        costMs: r.costMs,
        downstream: s.gossamer.downstream(r.source),
      })),
      channels: [...s.channels].map(([id, ch]) => ({ id, transport: ch.transport, ...ch.runtime.stats })),
    })),
    probe: Object.fromEntries([...node.probe.cache].map(([peer, e]) => [peer, e.rttMs ?? null])),
  };
}
