/**
 * Origin proofs of the state that travels through a session's mesh: a LEAVE (signed by its origin: the departing
 * SCX, or the neighbour that reports it failed), a HEARTBEAT (by its generator) and a source's route adverts (by the
 * source). The originator signs, with its node key, the session id, the message type, the fields it vouches for and
 * its incarnation; the proof carries its credential's key and overlay signature (the id is the originator named in
 * the message), so any member checks it against the overlay's public key alone. The core carries proofs unchanged.
 *
 * Signed bytes (context `scattercast gossamer <kind> v1\0`): `[sessionId 16][type u8][varuint incarnation]` then
 * LEAVE `[id scx][f64 timestampMs][id origin]`, HEARTBEAT `[id generator][u32 seq]`, advert `[id source]` (ids as
 * in the Gossamer codec: varuint length, UTF-8).
 */

import { ByteWriter } from '../core/bytes.ts';
import { MessageType, type Heartbeat, type Leave, type OriginProof, type ScxId } from '../gossamer/wire/messages.ts';
import { credentialValid, signedIn, signIn } from '../trust/credential.ts';
import type { NodeIdentity } from '../trust/node-identity.ts';

/** What a proof vouches for. */
export type ProofSubject =
  | { readonly kind: 'leave'; readonly msg: Leave }
  | { readonly kind: 'heartbeat'; readonly msg: Heartbeat }
  | { readonly kind: 'advert'; readonly source: ScxId };

/** The kinds of signed state, as counted and logged. */
export type ProofKind = ProofSubject['kind'];

/** Why a proof was refused (stable codes: metrics and logs carry them). */
export const ProofRefusal = {
  /** A secure node got the state without a proof. */
  MISSING: 'ERR_PROOF_MISSING',
  /** The proof's key is not the overlay's credential for the originator the message names. */
  CREDENTIAL: 'ERR_PROOF_CREDENTIAL',
  /** The originator's signature does not verify over this session, type and fields. */
  SIGNATURE: 'ERR_PROOF_SIGNATURE',
  /** A valid proof of an older incarnation than one already seen, or a heartbeat already past: a replay. */
  STALE: 'ERR_PROOF_STALE',
  /** The sender's budget of signature checks (src/daemon/verify-budget.ts) was spent: refused unchecked. */
  BUDGET: 'ERR_PROOF_BUDGET',
} as const;

/** One of the ProofRefusal codes. */
export type ProofRefusalCode = (typeof ProofRefusal)[keyof typeof ProofRefusal];

/** The SCX whose proof `subject` needs. */
export function originatorOf(subject: ProofSubject): ScxId {
  if (subject.kind === 'leave') return subject.msg.origin;
  return subject.kind === 'heartbeat' ? subject.msg.generator : subject.source;
}

const writer = new ByteWriter(512);

/** The bytes the originator signs for `subject` in session `sessionId` at `incarnation`. */
export function signedBytes(sessionId: Uint8Array, subject: ProofSubject, incarnation: number): Uint8Array {
  const w = writer;
  w.reset();
  w.raw(sessionId, 16);
  if (subject.kind === 'leave') {
    w.u8(MessageType.LEAVE);
    w.varuint(incarnation);
    w.string(subject.msg.scx);
    w.f64(subject.msg.timestampMs);
    w.string(subject.msg.origin);
  } else if (subject.kind === 'heartbeat') {
    w.u8(MessageType.HEARTBEAT);
    w.varuint(incarnation);
    w.string(subject.msg.generator);
    w.u32(subject.msg.seq);
  } else {
    w.u8(MessageType.ROUTE_UPDATE);
    w.varuint(incarnation);
    w.string(subject.source);
  }
  return w.finish();
}

/** The signature context of a kind of subject. */
const context = (kind: ProofKind): string => `gossamer ${kind} v1`;

/** This node's proof of `subject` (which it must originate) at `incarnation`. */
export function makeProof(identity: NodeIdentity, sessionId: Uint8Array, subject: ProofSubject, incarnation: number): OriginProof {
  return {
    incarnation,
    publicKey: identity.credential.publicKey,
    credentialSignature: identity.credential.signature,
    signature: signIn(context(subject.kind), signedBytes(sessionId, subject, incarnation), identity.privateKey),
  };
}

/**
 * Checks `proof` of `subject` against the overlay's public key: undefined if valid, else the refusal code.
 * `knownCredential(key)`/`rememberCredential(key)` let the caller skip credentials it already verified.
 */
export function checkProof(
  overlayPublicKey: Uint8Array,
  sessionId: Uint8Array,
  subject: ProofSubject,
  proof: OriginProof | undefined,
  credentials: { has(key: string): boolean; add(key: string): void },
): ProofRefusalCode | undefined {
  if (proof === undefined) return ProofRefusal.MISSING;
  const credential = { id: originatorOf(subject), publicKey: proof.publicKey, signature: proof.credentialSignature };
  const key = `${credential.id}\0${Buffer.from(proof.publicKey).toString('base64')}${Buffer.from(proof.credentialSignature).toString('base64')}`;
  if (!credentials.has(key)) {
    if (!credentialValid(overlayPublicKey, credential)) return ProofRefusal.CREDENTIAL;
    credentials.add(key);
  }
  const data = signedBytes(sessionId, subject, proof.incarnation);
  return signedIn(context(subject.kind), data, proof.publicKey, proof.signature) ? undefined : ProofRefusal.SIGNATURE;
}
