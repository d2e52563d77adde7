// The model: pure functions of a snapshot (nodes, sessions, sources, groups, mesh and tree edges, attachments).

import { lexical, natural } from './format.js';

// Name of the group holding nodes of no listed cluster.
export const OTHER = 'other';

// Nodes by address; the first occurrence of an address wins.
export function nodesByAddress(snap) {
  const map = new Map();
  for (const node of snap.nodes ?? []) if (node?.address && !map.has(node.address)) map.set(node.address, node);
  return map;
}

// Every session name any node has an SCX for, sorted.
export function sessionNames(nodes) {
  const names = new Set();
  for (const node of nodes.values()) for (const sv of node.sessions ?? []) names.add(sv.name);
  return [...names].sort(natural);
}

// The selected session's SCX at each node that has one: address -> SessionView.
export function scxOf(nodes, session) {
  const map = new Map();
  for (const node of nodes.values()) {
    const sv = (node.sessions ?? []).find((x) => x.name === session);
    if (sv) map.set(node.address, sv);
  }
  return map;
}

// Sources named in the routes of the session's SCXs, sorted.
export function sourceNames(scx) {
  const names = new Set();
  for (const sv of scx.values()) for (const route of sv.routes ?? []) names.add(route.source);
  return [...names].sort(natural);
}

// SCXs whose route for the source has no upstream, i.e. the source's own SCX.
export function sourceRoots(scx, source) {
  const roots = new Set();
  for (const [address, sv] of scx) {
    if ((sv.routes ?? []).some((r) => r.source === source && !r.upstream)) roots.add(address);
  }
  return roots;
}

// Addresses mentioned by any SCX, cluster or receiver that are not nodes of the snapshot (drawn dashed).
export function ghostAddresses(snap, nodes) {
  const seen = new Set();
  for (const node of nodes.values()) {
    for (const sv of node.sessions ?? []) {
      for (const peer of sv.neighbours ?? []) seen.add(peer);
      for (const route of sv.routes ?? []) {
        if (route.upstream) seen.add(route.upstream);
        for (const child of route.downstream ?? []) seen.add(child);
      }
    }
  }
  for (const cluster of snap.clusters ?? []) for (const address of cluster.nodes ?? []) seen.add(address);
  for (const receiver of snap.receivers ?? []) seen.add(receiver.scx);
  return [...seen].filter((a) => typeof a === 'string' && a && !nodes.has(a)).sort(natural);
}

// Groups every address into its cluster or "other": clusters in the snapshot's order (then any named only by a
// node, sorted), "other" last; members in their cluster's listed order, then the rest sorted.
export function groupsOf(snap, nodes, ghosts) {
  const listed = new Map();
  const rank = new Map();
  const frontends = new Map();
  for (const cluster of snap.clusters ?? []) {
    frontends.set(cluster.name, cluster.frontend ?? null);
    (cluster.nodes ?? []).forEach((address, i) => {
      if (listed.has(address)) return;
      listed.set(address, cluster.name);
      rank.set(address, i);
    });
  }
  const members = new Map([...frontends.keys()].map((name) => [name, []]));
  const add = (name, address) => (members.get(name) ?? members.set(name, []).get(name)).push(address);
  for (const node of nodes.values()) add(node.cluster ?? OTHER, node.address);
  for (const address of ghosts) add(listed.get(address) ?? OTHER, address);
  const unlisted = [...members.keys()].filter((name) => !frontends.has(name) && name !== OTHER).sort(natural);
  const names = [...frontends.keys()].filter((name) => name !== OTHER).concat(unlisted);
  if (members.has(OTHER)) names.push(OTHER);
  const order = (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || natural(a, b);
  return names.map((name) => ({ name, frontend: frontends.get(name) ?? null, members: members.get(name).sort(order) }));
}

// Undirected mesh edges of the session: endpoints sorted lexicographically, one per pair.
export function meshEdges(scx) {
  const pairs = new Map();
  for (const [address, sv] of scx) {
    for (const peer of sv.neighbours ?? []) {
      if (!peer || peer === address) continue;
      const [a, b] = [address, peer].sort(lexical);
      pairs.set(`${a} ${b}`, { a, b });
    }
  }
  return [...pairs.values()].sort((x, y) => lexical(x.a, y.a) || lexical(x.b, y.b));
}

// The link upstream -> SCX as the upstream node sends on it, else as the SCX receives on it (upstream not in the snapshot), else null.
function treeLink(nodes, upstream, address) {
  const sent = (nodes.get(upstream)?.links ?? []).find((l) => l.peer === address);
  if (sent) return sent;
  const got = (nodes.get(address)?.links ?? []).find((l) => l.peer === upstream);
  return got ? { peer: upstream, rttMs: got.rttMs, packetsPerS: got.inPacketsPerS, bytesPerS: got.inBytesPerS } : null;
}

// The source's tree: one edge upstream -> SCX per route, with its link (see treeLink).
export function treeEdges(scx, nodes, source) {
  const edges = new Map();
  for (const [address, sv] of scx) {
    const route = (sv.routes ?? []).find((r) => r.source === source);
    if (!route?.upstream || route.upstream === address) continue;
    const link = treeLink(nodes, route.upstream, address);
    edges.set(`${route.upstream} ${address}`, { from: route.upstream, to: address, link, costMs: route.costMs });
  }
  return [...edges.values()].sort((x, y) => natural(x.from, y.from) || natural(x.to, y.to));
}

// Clients (tagged with their node) and receivers of the session; everything when there are no sessions.
export function attachments(snap, nodes, session) {
  const wanted = (name) => !session || name === session;
  const clients = [];
  for (const node of nodes.values()) {
    for (const client of node.clients ?? []) if (wanted(client.session)) clients.push({ ...client, scx: node.address });
  }
  const receivers = (snap.receivers ?? []).filter((r) => wanted(r.session));
  return { clients, receivers };
}
