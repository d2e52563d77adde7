/**
 * One session's signed gossip state at a secure node: it attaches this SCX's proofs to the LEAVEs and HEARTBEATs it
 * originates (its route adverts carry `sourceProof`, handed to the core), and lets into the core only the LEAVEs,
 * HEARTBEATs, ROUTE_UPDATEs and STATUSes whose proofs verify and are fresh; the rest is dropped and counted.
 *
 * Incarnation: this SCX's join time in the session, wall-clock ms (strictly increasing within the process), so a
 * node that restarts or rejoins signs with a larger one; a proof older than the newest one seen of its originator
 * (a replayed LEAVE, say) is refused as stale. It assumes the wall clock is not set back across a restart.
 */

import { decodeMessage, encodeMessage } from '../gossamer/wire/codec.ts';
import { MessageType, type Heartbeat, type Message, type OriginProof, type RouteAdvert, type ScxId } from '../gossamer/wire/messages.ts';
import type { NodeIdentity } from '../trust/node-identity.ts';
import { BoundedSet } from './bounded-set.ts';
import { wallClockMs } from './clock.ts';
import type { ForgedStateRefusals } from './forged-state.ts';
import type { VerifyBudget } from './verify-budget.ts';
import { checkProof, makeProof, originatorOf, ProofRefusal, type ProofRefusalCode, type ProofSubject } from './gossip-proofs.ts';

/** Most entries of each cache: verified credentials, verified advert proofs, newest incarnations and beats seen. */
export const SIGNED_STATE_CACHE_ENTRIES = 4096;

/** Message types that carry signed state. */
const SIGNED_TYPES: ReadonlySet<number> = new Set([MessageType.LEAVE, MessageType.HEARTBEAT, MessageType.ROUTE_UPDATE, MessageType.STATUS]);

let lastIncarnation = 0;

/** A new incarnation: the wall clock in ms, above any this process gave before. */
function nextIncarnation(): number {
  lastIncarnation = Math.max(Math.floor(wallClockMs()), lastIncarnation + 1);
  return lastIncarnation;
}

/** What a session's signed state needs. */
export interface SignedStateOptions {
  readonly identity: NodeIdentity;
  readonly sessionId: Uint8Array;
  /** The session's name, for logs. */
  readonly session: string;
  readonly refusals: ForgedStateRefusals;
  /** The node's budget of signature checks per sending peer. */
  readonly budget: VerifyBudget;
  /** A heartbeat seen again this long after its first sight is a replay, ms (the core's heartbeatTimeoutMs: it forgets duplicates then). */
  readonly heartbeatMemoryMs: number;
}

/** The newest heartbeat seen of one generator. */
interface Beat {
  readonly incarnation: number;
  readonly seq: number;
  /** When it was first seen (monotonic ms). */
  readonly at: number;
}

/** Signs what this SCX originates and checks what arrives, for one session. */
export class SignedState {
  readonly incarnation = nextIncarnation();
  /** This SCX's proof that it is a source, for its route adverts. */
  readonly sourceProof: OriginProof;
  private readonly self: ScxId;
  private readonly credentials = new BoundedSet(SIGNED_STATE_CACHE_ENTRIES);
  private readonly adverts = new BoundedSet(SIGNED_STATE_CACHE_ENTRIES);
  private readonly incarnations = new Map<ScxId, number>();
  private readonly beats = new Map<ScxId, Beat>();
  /** Outgoing messages already signed: the core encodes a flood once for all neighbours. */
  private readonly signedOut = new WeakMap<Uint8Array, Uint8Array>();

  constructor(private readonly o: SignedStateOptions) {
    this.self = o.identity.credential.id;
    this.sourceProof = makeProof(o.identity, o.sessionId, { kind: 'advert', source: this.self }, this.incarnation);
  }

  /** A message this SCX sends: a LEAVE or HEARTBEAT it originates gets its proof; anything else goes as it is. */
  outgoing(data: Uint8Array): Uint8Array {
    if (data[1] !== MessageType.LEAVE && data[1] !== MessageType.HEARTBEAT) return data;
    let out = this.signedOut.get(data);
    if (out === undefined) {
      const d = decodeMessage(data);
      const subject = d.ok ? this.ownSubject(d.value) : undefined;
      out = data;
      if (subject && d.ok) out = encodeMessage({ ...d.value, proof: makeProof(this.o.identity, this.o.sessionId, subject, this.incarnation) } as Message);
      this.signedOut.set(data, out);
    }
    return out;
  }

  /** Whether a message from `from` may go on to the core at monotonic time `nowMs`; a refusal is counted and logged. */
  incoming(from: ScxId, data: Uint8Array, nowMs: number): boolean {
    if (!SIGNED_TYPES.has(data[1] as number)) return true;
    const d = decodeMessage(data);
    if (!d.ok) return true; // the core counts it as malformed
    const m = d.value;
    let code: ProofRefusalCode | undefined;
    if (m.type === MessageType.LEAVE) code = this.check(from, { kind: 'leave', msg: m }, m.proof);
    else if (m.type === MessageType.HEARTBEAT) code = this.check(from, { kind: 'heartbeat', msg: m }, m.proof) ?? this.fresh(m, nowMs);
    else if (m.type === MessageType.ROUTE_UPDATE || m.type === MessageType.STATUS) code = this.checkAdverts(from, m.routes);
    if (code === undefined) return true;
    this.o.refusals.refuse(m.type === MessageType.LEAVE ? 'leave' : m.type === MessageType.HEARTBEAT ? 'heartbeat' : 'advert', code, from, this.o.session);
    return false;
  }

  /** What this SCX vouches for in `m`: its own LEAVE or failure report, or its own beat, not yet signed. */
  private ownSubject(m: Message): ProofSubject | undefined {
    if (m.type === MessageType.LEAVE && m.origin === this.self && m.proof === undefined) return { kind: 'leave', msg: m };
    if (m.type === MessageType.HEARTBEAT && m.generator === this.self && m.proof === undefined) return { kind: 'heartbeat', msg: m };
    return undefined;
  }

  /** Checks a proof from `from` (within its budget) and its freshness against the originator's newest incarnation; notes a newer one. */
  private check(from: ScxId, subject: ProofSubject, proof: OriginProof | undefined): ProofRefusalCode | undefined {
    if (proof !== undefined && !this.o.budget.take(from)) return ProofRefusal.BUDGET;
    const code = checkProof(this.o.identity.overlay.publicKey, this.o.sessionId, subject, proof, this.credentials);
    if (code !== undefined || proof === undefined) return code;
    const originator = originatorOf(subject);
    const newest = this.incarnations.get(originator);
    if (newest !== undefined && proof.incarnation < newest) return ProofRefusal.STALE;
    if (newest === undefined || proof.incarnation > newest) this.noteIncarnation(originator, proof.incarnation);
    return undefined;
  }

  /** A verified heartbeat is stale if older than the newest of its generator, or that one seen again after the core forgot it. */
  private fresh(m: Heartbeat, nowMs: number): ProofRefusalCode | undefined {
    const incarnation = (m.proof as OriginProof).incarnation;
    const last = this.beats.get(m.generator);
    if (last && (incarnation < last.incarnation || (incarnation === last.incarnation && m.seq <= last.seq))) {
      return m.seq === last.seq && incarnation === last.incarnation && nowMs - last.at < this.o.heartbeatMemoryMs ? undefined : ProofRefusal.STALE;
    }
    if (!last && this.beats.size >= SIGNED_STATE_CACHE_ENTRIES) this.beats.delete(this.beats.keys().next().value as ScxId);
    this.beats.set(m.generator, { incarnation, seq: m.seq, at: nowMs });
    return undefined;
  }

  /** Every advert must carry its source's valid proof; verified proofs are remembered, so a full table costs no verify. */
  private checkAdverts(from: ScxId, routes: readonly RouteAdvert[]): ProofRefusalCode | undefined {
    for (const r of routes) {
      const p = r.proof;
      const key = p && `${r.source}\0${p.incarnation}\0${Buffer.from(p.signature).toString('base64')}${Buffer.from(p.publicKey).toString('base64')}${Buffer.from(p.credentialSignature).toString('base64')}`;
      if (key !== undefined && this.adverts.has(key)) continue;
      const code = this.check(from, { kind: 'advert', source: r.source }, p);
      if (code === ProofRefusal.STALE) continue; // an old incarnation's advert still proves the SCX a source
      if (code !== undefined) return code;
      this.adverts.add(key as string);
    }
    return undefined;
  }

  private noteIncarnation(id: ScxId, incarnation: number): void {
    if (!this.incarnations.has(id) && this.incarnations.size >= SIGNED_STATE_CACHE_ENTRIES) this.incarnations.delete(this.incarnations.keys().next().value as ScxId);
    this.incarnations.set(id, incarnation);
  }
}
