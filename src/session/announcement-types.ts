/**
 * What a session announcement holds (paper 3.3, Fig. 2), parsed by announcement.ts and rendered by
 * announcement-render.ts; a signed one also carries its creator's key and signature (announcement-signature.ts).
 */
import type { SessionName } from './name.ts';

/** One channel of a session (`<CHANNEL>`). */
export interface ChannelSpec {
  /** Numeric channel id, 0..65535, unique in the session; data packets carry it. */
  readonly id: number;
  /** Optional text about the channel. */
  readonly description?: string;
  /** Protocol that carries the channel between SCXs and unicast clients, lower-cased. */
  readonly unicast: string;
  /** Protocol for clients on a local multicast group, lower-cased, if any. */
  readonly multicast?: string;
}

/** A signed announcement's `<CREATOR key="..." signature="..."/>`. */
export interface CreatorSignature {
  /** The creator's raw Ed25519 public key, 32 bytes; the session name's `key-` label is its id. */
  readonly publicKey: Uint8Array;
  /** The creator's Ed25519 signature of the canonical announcement, 64 bytes. */
  readonly signature: Uint8Array;
}

/** A session announcement (`<SCATTERCAST>`). */
export interface Announcement {
  /** The session's name. */
  readonly name: SessionName;
  /** Optional text about the session. */
  readonly description?: string;
  /** The session's channels, in document order; at least one. */
  readonly channels: readonly ChannelSpec[];
  /** Rendezvous points as `host:port`, host lower-cased; at least one. */
  readonly rendezvous: readonly string[];
  /** The creator's key and signature, on a signed announcement (verified at parse). */
  readonly creator?: CreatorSignature;
}
