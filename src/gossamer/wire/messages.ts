import type { Millis } from '../../core/time.ts';

/** An SCX's address in a session: opaque to the core ("10.0.0.2:7000" in the daemon, "s17" in the simulator). */
export type ScxId = string;

/**
 * An originator's proof of what it originated (its LEAVE, its HEARTBEAT, its being a source), carried unchanged by
 * every relay. Opaque to the core, which never signs or checks one: the daemon makes and verifies them
 * (src/daemon/gossip-proofs.ts); the simulator and insecure nodes send none.
 */
export interface OriginProof {
  /** The originator's incarnation in the session (the daemon: its join time, wall-clock ms); 0..2^53-1. */
  readonly incarnation: number;
  /** The originator's Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
  /** The overlay's signature binding that key to the originator's id (its credential), 64 bytes. */
  readonly credentialSignature: Uint8Array;
  /** The originator's signature over the session, the message kind, its fields and the incarnation, 64 bytes. */
  readonly signature: Uint8Array;
}

/** One route of the path-vector table as advertised: `path` runs from the advertiser to the source, both included. */
export interface RouteAdvert {
  readonly source: ScxId;
  /** Sum of link latencies from the advertiser to the source, ms. */
  readonly costMs: number;
  readonly path: readonly ScxId[];
  /** The source's proof that it is one, copied along the path; absent when the session runs unsigned. */
  readonly proof?: OriginProof;
}

/** Message type bytes on the wire (stable: never renumber). */
export const MessageType = {
  DISCOVERY: 1,
  DISCOVERY_RESPONSE: 2,
  REQUEST_STATUS: 3,
  STATUS: 4,
  CONNECT: 5,
  CONNECT_ACK: 6,
  DISCONNECT: 7,
  ROUTE_UPDATE: 8,
  LEAVE: 9,
  HEARTBEAT: 10,
  KEEPALIVE: 11,
  PING: 12,
  PONG: 13,
} as const;

/** Gossip round: "here is a bounded random subset of the SCXs I know", and optionally a digest of all of them. */
export interface Discovery {
  readonly type: typeof MessageType.DISCOVERY;
  readonly known: readonly ScxId[];
  /** A Bloom filter of every SCX the sender knows (see membership/digest.ts); empty for none. */
  readonly digest: Uint8Array;
}

/** The answer to a DISCOVERY, with the responder's own bounded random subset. */
export interface DiscoveryResponse {
  readonly type: typeof MessageType.DISCOVERY_RESPONSE;
  readonly known: readonly ScxId[];
}

/** Probe of a candidate neighbour; `nonce` pairs it with its STATUS. */
export interface RequestStatus {
  readonly type: typeof MessageType.REQUEST_STATUS;
  readonly nonce: number;
}

/** The candidate's routing table and whether it can accept one more inbound edge (CAN_ACCEPT). */
export interface Status {
  readonly type: typeof MessageType.STATUS;
  readonly nonce: number;
  /** CAN_ACCEPT: a free inbound slot (under k2). */
  readonly canAccept: boolean;
  /** At k2, but would give up an idle inbound edge for an optimising CONNECT. */
  readonly canEvict: boolean;
  readonly routes: readonly RouteAdvert[];
}

/** Why a CONNECT is sent (a wire byte: never renumber). */
export const ConnectIntent = {
  /** Filling a free out-slot (under k1): only a free inbound slot may take it. */
  FILL: 0,
  /** The optimiser found the receiver better than a current neighbour: only a free inbound slot may take it. */
  OPTIMISE: 1,
  /** Repairing a partition: a refusal names alternatives on the receiver's side. */
  HEAL: 2,
  /** As OPTIMISE, and the sender will route some source through the receiver: may evict an idle inbound edge. */
  UPSTREAM: 3,
} as const;

/** A CONNECT's intent. */
export type ConnectIntentValue = (typeof ConnectIntent)[keyof typeof ConnectIntent];

/** Ask to insert a mesh edge from the sender to the receiver. */
export interface Connect {
  readonly type: typeof MessageType.CONNECT;
  readonly intent: ConnectIntentValue;
}

/** Answer to CONNECT. A refusal lists some of the refuser's neighbours as other places to try. */
export interface ConnectAck {
  readonly type: typeof MessageType.CONNECT_ACK;
  readonly accepted: boolean;
  readonly alternatives: readonly ScxId[];
}

/** The sender drops the mesh edge between it and the receiver. */
export interface Disconnect {
  readonly type: typeof MessageType.DISCONNECT;
}

/** Path-vector update: new or changed routes, and withdrawn sources. `full` marks a periodic full table. */
export interface RouteUpdate {
  readonly type: typeof MessageType.ROUTE_UPDATE;
  readonly full: boolean;
  readonly routes: readonly RouteAdvert[];
  readonly withdrawn: readonly ScxId[];
}

/** Flooded notice that `scx` left (voluntarily, or detected dead by a neighbour). */
export interface Leave {
  readonly type: typeof MessageType.LEAVE;
  readonly scx: ScxId;
  /** The origin's clock when it issued the notice, ms; with `scx` and `origin` it makes the flood's duplicate key. */
  readonly timestampMs: Millis;
  /** Who issued the notice: `scx` itself, or the neighbour that detected its death. */
  readonly origin: ScxId;
  /** The origin's proof that it issued this notice; absent when the session runs unsigned. */
  readonly proof?: OriginProof;
}

/** Flooded liveness beacon of the elected heartbeat generator. */
export interface Heartbeat {
  readonly type: typeof MessageType.HEARTBEAT;
  readonly generator: ScxId;
  readonly seq: number;
  /** The generator's proof that it sent this beat; absent when the session runs unsigned. */
  readonly proof?: OriginProof;
}

/** Neighbour liveness when nothing else was sent on the edge lately. */
export interface Keepalive {
  readonly type: typeof MessageType.KEEPALIVE;
}

/** Direct liveness check: of a silent neighbour before it is declared dead, and between rendezvous (the election). */
export interface Ping {
  readonly type: typeof MessageType.PING;
  readonly nonce: number;
}

/** Answer to PING. */
export interface Pong {
  readonly type: typeof MessageType.PONG;
  readonly nonce: number;
}

/** Every Gossamer control message. */
export type Message =
  | Discovery
  | DiscoveryResponse
  | RequestStatus
  | Status
  | Connect
  | ConnectAck
  | Disconnect
  | RouteUpdate
  | Leave
  | Heartbeat
  | Keepalive
  | Ping
  | Pong;
