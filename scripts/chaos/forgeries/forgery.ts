/**
 * What every forgery of the `forgeries` phase gets and gives back. A forgery is tried against one live node (the
 * target) from the bench's own address on the bridge: by an outsider (plaintext, or TLS with a credential of a
 * stranger overlay) and/or by a malicious member (TLS with a valid credential of the nodes' own overlay, for an id at
 * the bench's address). It says how many forged messages or attempts it made, how many were accepted, measured
 * from their effect on the deployment, and which refusal counters of /metrics should have counted them.
 */

import { makeProof } from '../../../src/daemon/gossip-proofs.ts';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType, type Leave } from '../../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../../src/net/control-frame.ts';
import type { NodeCredential } from '../../../src/trust/credential.ts';
import type { NodeIdentity } from '../../../src/trust/node-identity.ts';
import type { Overlay } from '../../../src/trust/overlay.ts';
import type { TlsCredentials } from '../../../test/support/member.ts';
import type { Deployment } from '../deployment.ts';
import { HostileLink } from '../hostile-link.ts';
import type { Rng } from '../rng.ts';
import type { Victim } from '../victim.ts';

/** The malicious member: its id (the bench's address, a port of its own), TLS credentials and signing identity. */
export interface Member {
  readonly id: string;
  readonly tls: TlsCredentials;
  readonly identity: NodeIdentity;
}

/** What a forgery aims at and forges with. */
export interface Forger {
  readonly d: Deployment;
  /** The target node's host index, address and port. */
  readonly target: number;
  readonly host: string;
  readonly port: number;
  /** `http://host:admin-port`. */
  readonly admin: string;
  readonly sessionId: Uint8Array;
  readonly sessionName: string;
  /** The source's SCX id. */
  readonly source: string;
  /** The heartbeat generator the target follows. */
  readonly generator: string | undefined;
  /** The target's upstream towards the source (another node's id). */
  readonly upstream: string | undefined;
  /** Another SCX of the session that is no source. */
  readonly plainMember: string;
  readonly victim: Victim;
  readonly member: Member;
  /** An overlay the nodes do not trust, able to issue credentials. */
  readonly stranger: Overlay;
  /** TLS credentials for `id` from the stranger overlay. */
  strangerTls(id: string): TlsCredentials;
  readonly rng: Rng;
  /** Node `id`'s public credential, as every proof it signs shows it (its key and the overlay's signature). */
  credentialOf(id: string): NodeCredential;
  /**
   * Runs `attack` inside the measured window: bytes on the wire between the nodes and the attacker and victim are
   * counted from just before it until `settleMs` after it (the effects' time).
   */
  measured(attack: () => Promise<void>, settleMs?: number): Promise<void>;
}

/** A refusal counter that should have counted the forged messages. */
export interface Check {
  /** The counter, as /metrics names it, with its labels. */
  readonly counter: string;
  readonly expected: number;
  readonly got: number;
}

export interface Outcome {
  /** Forged messages or attempts made, and their unit ("LEAVEs", "connections"). */
  readonly tried: number;
  readonly unit: string;
  /** Accepted, measured from the effect. */
  readonly accepted: number;
  /** How `accepted` was measured, with its figures. */
  readonly effect: string;
  /** The refusal counters' cross-check: each must have counted at least `expected`. */
  readonly checks: readonly Check[];
}

export interface Forgery {
  readonly name: string;
  /** Who tries it: outsider, member, or both. */
  readonly who: string;
  readonly what: string;
  /** It talks to the admin port: its bytes count there (the others' do not, so that the bench may read /state meanwhile). */
  readonly adminPort?: boolean;
  run(f: Forger): Promise<Outcome>;
}

/** How long a node has to close a connection whose hello it refuses, ms. */
export const REFUSAL_MS = 2000;

/** Opens a connection as `tls` (undefined: plaintext), writes `frames`, and says whether the node closed it within REFUSAL_MS. */
export async function refusedLink(f: Forger, tls: TlsCredentials | undefined, frames: readonly Uint8Array[]): Promise<boolean> {
  const link = new HostileLink(f.host, f.port, tls, frames);
  const refused = await link.refusedWithin(REFUSAL_MS);
  await link.end();
  return refused;
}

/** Sends `frames` on one connection as the member (hello first), holds it `holdMs`, and ends it. */
export async function asMember(f: Forger, frames: readonly Uint8Array[], holdMs = 500): Promise<HostileLink> {
  const link = new HostileLink(f.host, f.port, f.member.tls, frames);
  await Promise.race([link.closed, new Promise((r) => setTimeout(r, holdMs))]);
  await link.end();
  return link;
}

/**
 * The member's own LEAVE, signed as itself (valid): sent last on its connection, so that the nodes that learned it
 * as a member forget it at once instead of pinging its address for the next forgeries' windows.
 */
export function memberLeave(f: Forger): Buffer {
  const bye: Leave = { type: MessageType.LEAVE, scx: f.member.id, timestampMs: Date.now(), origin: f.member.id };
  return gossamerFrame(f.sessionId, encodeMessage({ ...bye, proof: makeProof(f.member.identity, f.sessionId, { kind: 'leave', msg: bye }, 1) }));
}
