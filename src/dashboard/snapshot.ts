/**
 * What a dashboard shows, pushed as JSON over its WebSocket once a second: the clusters and their nodes, each
 * node's SCXs (mesh neighbours and per-source routes, so each source's tree), its links with rates and RTTs, and
 * the clients attached to it. A node's own dashboard holds the nodes it can see (itself and its cluster); the
 * demo's holds every node it started.
 */

import type { ChannelStats } from '../transport/channel-stats.ts';

/** One cluster: its name, its frontend's URL, its nodes' addresses. */
export interface ClusterView {
  readonly name: string;
  /** The frontend's join URL, if the cluster has one. */
  readonly frontend: string | null;
  readonly nodes: readonly string[];
}

/** A source's route at one SCX: the tree edge upstream -> this SCX, and this SCX's children. */
export interface RouteView {
  readonly source: string;
  /** The SCX this one receives the source's channels from; null at the source's own SCX. */
  readonly upstream: string | null;
  /** Path cost to the source, ms. */
  readonly costMs: number;
  readonly downstream: readonly string[];
}

/** One SCX: a session at one node. */
export interface SessionView {
  readonly name: string;
  readonly id: string;
  /** Mesh neighbours (SCX addresses). */
  readonly neighbours: readonly string[];
  /** Size of this SCX's membership list. */
  readonly members: number;
  /** The session's generator (source SCX) this SCX knows of, if any. */
  readonly generator: string | null;
  readonly routes: readonly RouteView[];
  /** Per channel: packets in, out and delivered to local clients. */
  readonly channels: ReadonlyArray<{ readonly id: number; readonly transport: string } & Readonly<ChannelStats>>;
}

/** A node's data link to a peer: traffic each way over the last second (all sessions) and the probe module's RTT. */
export interface LinkView {
  readonly peer: string;
  /** Smoothed round-trip time from the probe module, ms; null before the first echo. */
  readonly rttMs: number | null;
  /** Data sent to the peer, packets per second and bytes per second over the last interval. */
  readonly packetsPerS: number;
  readonly bytesPerS: number;
  /** Data received from the peer, packets per second and bytes per second over the last interval. */
  readonly inPacketsPerS: number;
  readonly inBytesPerS: number;
}

/** A client attached to a node. */
export interface ClientView {
  /** Who the client said it is, and where from. */
  readonly id: string;
  readonly session: string;
  readonly channel: number;
  readonly role: 'receive' | 'send';
  /** Packets handed to (receive) or taken from (send) the client, in all and per second over the last interval. */
  readonly packets: number;
  readonly packetsPerS: number;
}

/** One node. */
export interface NodeView {
  /** The node's SCX id (host:port). */
  readonly address: string;
  /** Its cluster's name; null if it is not in one this dashboard knows. */
  readonly cluster: string | null;
  /** Whether the dashboard could read its state this round. */
  readonly healthy: boolean;
  readonly sessions: readonly SessionView[];
  readonly links: readonly LinkView[];
  readonly clients: readonly ClientView[];
}

/** A receiver as it sees the stream (the demo's own client). */
export interface ReceiverView {
  readonly name: string;
  readonly session: string;
  readonly channel: number;
  /** The SCX it is attached to. */
  readonly scx: string;
  /** How it receives: local multicast or unicast. */
  readonly via: 'multicast' | 'unicast';
  readonly packets: number;
  readonly packetsPerS: number;
  /** Sequence numbers missed so far. */
  readonly gaps: number;
  /** Median source-to-receiver delay over the last interval, ms; null if nothing arrived. */
  readonly delayMs: number | null;
}

/** The whole picture, pushed once a second. */
export interface DashboardSnapshot {
  /** When it was taken, ms since the epoch. */
  readonly at: number;
  readonly title: string;
  readonly clusters: readonly ClusterView[];
  readonly nodes: readonly NodeView[];
  readonly receivers: readonly ReceiverView[];
}
