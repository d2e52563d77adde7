/**
 * A node's dashboard snapshot: its cluster (itself and the members it knows, whose `/state` it reads from their
 * admin servers with the cluster token, which never reaches the page) with every node's SCXs, links and clients. A
 * node sees its own cluster; the demo's dashboard sees every cluster it started.
 */

import type { DashboardSnapshot, NodeView } from '../dashboard/snapshot.ts';
import type { AdminClient } from '../net/admin-client.ts';
import type { ClusterConfig } from './node-config.ts';
import { nodeState } from './node-state.ts';
import type { ScxNode } from './scx-node.ts';

/** Time one member's `/state` may take, ms. */
const STATE_TIMEOUT_MS = 800;

/** Reads a node's `/state` from its admin server; an unreachable node is shown unhealthy. */
export async function fetchNodeView(client: AdminClient, address: string, admin: string, cluster: string | null): Promise<NodeView> {
  try {
    const res = await client.get(admin, '/state', STATE_TIMEOUT_MS);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return { ...(res.body as NodeView), cluster };
  } catch {
    return { address, cluster, healthy: false, sessions: [], links: [], clients: [] };
  }
}

/** The snapshot a node's dashboard shows; `client` reads the other members' `/state`. */
export async function nodeSnapshot(node: ScxNode, cluster: ClusterConfig | undefined, frontendUrl: string | null, client: AdminClient): Promise<DashboardSnapshot> {
  const name = cluster?.name ?? `node ${node.self}`;
  const others = (cluster?.members ?? []).filter((m) => m.scx !== node.self);
  const nodes = [nodeState(node, name), ...(await Promise.all(others.map((m) => fetchNodeView(client, m.scx, m.admin, name))))];
  return {
    at: Date.now(),
    title: `scattercast · ${name}`,
    clusters: [{ name, frontend: frontendUrl, nodes: nodes.map((n) => n.address) }],
    nodes,
    receivers: [],
  };
}
