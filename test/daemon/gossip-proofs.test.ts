/**
 * Origin proofs of LEAVEs, HEARTBEATs and source adverts (src/daemon/gossip-proofs.ts) and a session's checks of
 * what arrives (src/daemon/signed-state.ts): valid proofs pass; a proof replayed in another session, on another
 * message type or other fields, made with a key the overlay did not credential for the originator, missing, or
 * older than the originator's newest incarnation, is refused with its code.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForgedStateRefusals } from '../../src/daemon/forged-state.ts';
import { checkProof, makeProof, ProofRefusal, type ProofSubject } from '../../src/daemon/gossip-proofs.ts';
import { SignedState } from '../../src/daemon/signed-state.ts';
import { VERIFY_BURST, VerifyBudget } from '../../src/daemon/verify-budget.ts';
import { decodeMessage, encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { MessageType, type Heartbeat, type Leave, type Message } from '../../src/gossamer/wire/messages.ts';
import { memoryIdentity, memoryOverlay } from '../support/identities.ts';

const overlay = memoryOverlay();
const S = '127.0.0.1:7001';
const M = '127.0.0.1:7666';
const source = memoryIdentity(overlay, S);
const member = memoryIdentity(overlay, M);
const outsider = memoryIdentity(memoryOverlay(), S);
const session = new Uint8Array(16).fill(1);
const other = new Uint8Array(16).fill(2);

const leave: Leave = { type: MessageType.LEAVE, scx: S, timestampMs: 1234.5, origin: S };
const beat: Heartbeat = { type: MessageType.HEARTBEAT, generator: S, seq: 7 };
const subjects: ProofSubject[] = [{ kind: 'leave', msg: leave }, { kind: 'heartbeat', msg: beat }, { kind: 'advert', source: S }];

const check = (subject: ProofSubject, proof: ReturnType<typeof makeProof> | undefined, sessionId = session): string | undefined =>
  checkProof(overlay.publicKey, sessionId, subject, proof, new Set<string>());

describe('gossip proofs', () => {
  it('the originator\'s proof of each kind verifies', () => {
    for (const subject of subjects) assert.equal(check(subject, makeProof(source, session, subject, 5)), undefined, subject.kind);
  });

  it('a proof replayed in another session, on another kind, or over other fields is refused', () => {
    const [l, h, a] = subjects.map((s) => makeProof(source, session, s, 5));
    assert.equal(check(subjects[0]!, l, other), ProofRefusal.SIGNATURE, 'another session');
    assert.equal(check(subjects[0]!, h), ProofRefusal.SIGNATURE, "a heartbeat's proof on a LEAVE");
    assert.equal(check(subjects[1]!, a), ProofRefusal.SIGNATURE, "an advert's proof on a HEARTBEAT");
    assert.equal(check(subjects[2]!, l), ProofRefusal.SIGNATURE, "a LEAVE's proof on an advert");
    assert.equal(check({ kind: 'leave', msg: { ...leave, timestampMs: 99 } }, l), ProofRefusal.SIGNATURE, 'another timestamp');
    assert.equal(check({ kind: 'heartbeat', msg: { ...beat, seq: 8 } }, h), ProofRefusal.SIGNATURE, 'another seq');
    assert.equal(check(subjects[2]!, { ...a!, incarnation: 6 }), ProofRefusal.SIGNATURE, 'another incarnation');
  });

  it("a member's own key, an outsider's credential, or no proof at all is refused", () => {
    const subject = subjects[0]!;
    // The member signs a LEAVE of S with its own credential: not S's.
    assert.equal(check(subject, makeProof(member, session, subject, 5)), ProofRefusal.CREDENTIAL);
    // The member signs with its key under S's credential: the signature is not S's.
    const forged = { ...makeProof(member, session, subject, 5), publicKey: source.credential.publicKey, credentialSignature: source.credential.signature };
    assert.equal(check(subject, forged), ProofRefusal.SIGNATURE);
    // Another overlay's credential for S.
    assert.equal(check(subject, makeProof(outsider, session, subject, 5)), ProofRefusal.CREDENTIAL);
    assert.equal(check(subject, undefined), ProofRefusal.MISSING);
  });
});

/** A receiving node's SignedState, and the refusals it counted. */
function receiver(): { state: SignedState; refusals: ForgedStateRefusals; logged: string[] } {
  const logged: string[] = [];
  const refusals = new ForgedStateRefusals((_level, msg, fields) => logged.push(`${msg} ${String(fields?.code)}`));
  const state = new SignedState({ identity: memoryIdentity(overlay, '127.0.0.1:7002'), sessionId: session, session: 'scast://t/s', refusals, budget: new VerifyBudget(), heartbeatMemoryMs: 15_000 });
  return { state, refusals, logged };
}

/** `sender`'s SignedState signs `m` as it goes out. */
function signedBy(sender: SignedState, m: Message): Uint8Array {
  return sender.outgoing(encodeMessage(m));
}

const senderOf = (identity = source): SignedState =>
  new SignedState({ identity, sessionId: session, session: 'scast://t/s', refusals: new ForgedStateRefusals(() => undefined), budget: new VerifyBudget(), heartbeatMemoryMs: 15_000 });

describe('signed state of a session', () => {
  it('signs the LEAVEs and HEARTBEATs this SCX originates, once per encoding; relayed ones go as they are', () => {
    const s = senderOf();
    const bytes = encodeMessage(leave);
    const out = s.outgoing(bytes);
    assert.equal(s.outgoing(bytes), out, 'a flood encoded once is signed once');
    const d = decodeMessage(out);
    assert.ok(d.ok && d.value.type === MessageType.LEAVE && d.value.proof?.incarnation === s.incarnation);
    const relayed = encodeMessage({ ...beat, generator: M });
    assert.equal(s.outgoing(relayed), relayed);
    const ping = encodeMessage({ type: MessageType.PING, nonce: 1 });
    assert.equal(s.outgoing(ping), ping);
    assert.ok(senderOf().incarnation > s.incarnation, 'a later join has a larger incarnation');
  });

  it('lets in valid signed state and refuses forgeries, counted by kind and code', () => {
    const { state, refusals, logged } = receiver();
    const src = senderOf();
    assert.ok(state.incoming(M, signedBy(src, leave), 0), 'the real LEAVE');
    assert.ok(state.incoming(M, signedBy(src, beat), 0), 'the real HEARTBEAT');
    const advert = { type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: S, costMs: 1, path: [M, S], proof: src.sourceProof }], withdrawn: [] } as const;
    assert.ok(state.incoming(M, encodeMessage(advert), 0), 'the real advert');
    const fake = senderOf(member);
    assert.equal(state.incoming(M, encodeMessage({ ...leave, timestampMs: 5 }), 0), false, 'an unsigned LEAVE of S');
    assert.equal(state.incoming(M, encodeMessage({ ...beat, seq: 99, proof: makeProof(member, session, { kind: 'heartbeat', msg: { ...beat, seq: 99 } }, 1) }), 0), false);
    const invented = { type: MessageType.ROUTE_UPDATE, full: true, routes: [advert.routes[0], { source: '127.0.0.1:7999', costMs: 1, path: [M, '127.0.0.1:7999'] }], withdrawn: [] };
    assert.equal(state.incoming(M, encodeMessage(invented), 0), false, 'one unproven source refuses the whole update');
    assert.equal(state.incoming(M, encodeMessage({ ...advert, routes: [{ ...advert.routes[0], source: M, path: [M], proof: src.sourceProof }] }), 0), false);
    assert.ok(state.incoming(M, encodeMessage({ ...advert, routes: [{ source: M, costMs: 0, path: [M], proof: fake.sourceProof }] }), 0), "the member's own source advert");
    const counts = Object.fromEntries(refusals.samples().map((c) => [`${c.kind} ${c.code}`, c.n]));
    assert.deepEqual(counts, { 'leave ERR_PROOF_MISSING': 1, 'heartbeat ERR_PROOF_CREDENTIAL': 1, 'advert ERR_PROOF_MISSING': 1, 'advert ERR_PROOF_CREDENTIAL': 1 });
    assert.equal(logged.length, 4);
    assert.ok(state.incoming(M, encodeMessage({ type: MessageType.KEEPALIVE }), 0), 'unsigned kinds pass');
  });

  it("refuses a LEAVE older than the originator's newest incarnation (a replay after a restart)", () => {
    const { state } = receiver();
    const before = senderOf();
    const old = signedBy(before, leave);
    const after = senderOf();
    assert.ok(state.incoming(M, encodeMessage({ type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: S, costMs: 0, path: [S], proof: after.sourceProof }], withdrawn: [] }), 0));
    assert.equal(state.incoming(M, old, 0), false, 'the LEAVE of the previous incarnation');
    assert.ok(state.incoming(M, signedBy(after, { ...leave, timestampMs: 9 }), 0), 'the LEAVE of this one');
  });

  it('lets a heartbeat\'s duplicates through while the core remembers it, then refuses it as a replay', () => {
    const { state, refusals } = receiver();
    const g = senderOf();
    const b7 = signedBy(g, beat);
    assert.ok(state.incoming(M, b7, 1000));
    assert.ok(state.incoming(M, b7, 1500), 'a duplicate from another neighbour');
    assert.equal(state.incoming(M, b7, 1000 + 15_000), false, 'seen again after the core forgot it');
    assert.ok(state.incoming(M, signedBy(g, { ...beat, seq: 8 }), 17_000));
    assert.equal(state.incoming(M, signedBy(g, { ...beat, seq: 6 }), 17_000), false, 'an older beat');
    assert.deepEqual(refusals.samples(), [{ kind: 'heartbeat', code: ProofRefusal.STALE, n: 2 }]);
  });

  it('checks at most a budget of signatures per sending peer; past it, signed state is refused unchecked', () => {
    const { state, refusals } = receiver();
    const forged = (t: number): Uint8Array => encodeMessage({ ...leave, timestampMs: t, proof: makeProof(member, session, { kind: 'leave', msg: { ...leave, timestampMs: t } }, 1) });
    for (let t = 0; t < VERIFY_BURST + 200; t++) state.incoming(M, forged(t), 0);
    const counts = Object.fromEntries(refusals.samples().map((c) => [c.code, c.n]));
    assert.ok((counts[ProofRefusal.BUDGET] ?? 0) > 0, 'no refusal for the budget');
    assert.equal((counts[ProofRefusal.BUDGET] ?? 0) + (counts[ProofRefusal.CREDENTIAL] ?? 0), VERIFY_BURST + 200);
    assert.ok(state.incoming('127.0.0.1:7003', signedBy(senderOf(), leave), 0), "another peer's budget is its own");
  });
});
