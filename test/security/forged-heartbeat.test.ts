/**
 * The elected generator's HEARTBEAT tells every SCX that it is not cut off (paper 4.2.3); a member that forged it
 * could keep a partition from healing. Now a HEARTBEAT counts only with its generator's proof
 * (src/daemon/gossip-proofs.ts): unsigned, signed with the member's credential, with the generator's credential but
 * the member's signature, or the generator's real signature from an older incarnation, it is refused and counted,
 * and never reaches the core. The generator's own heartbeats still do.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProof, ProofRefusal } from '../../src/daemon/gossip-proofs.ts';
import { MessageType, type Heartbeat } from '../../src/gossamer/wire/messages.ts';
import { signedSession, sleep, until } from '../support/signed-session.ts';

const SETTLE_MS = 2000;
const MAX_GAP_MS = 500;

describe('a member forging the generator\'s HEARTBEAT', { timeout: 90_000 }, () => {
  const s = signedSession();

  it('is refused whatever it signs with: 0 reach the core, receivers see no gap', async () => {
    const A = s.a.node.self;
    assert.equal(s.at.b.gossamer.generator, A, 'A, the rendezvous, is not the generator');
    const beat = (seq: number): Heartbeat => ({ type: MessageType.HEARTBEAT, generator: A, seq });
    const incarnation = s.at.a.signed?.incarnation as number;
    const a = s.aIdentity.credential;
    s.resetGap();
    await s.sendToB([
      beat(1_000_001),
      { ...beat(1_000_002), proof: makeProof(s.mIdentity, s.at.b.id, { kind: 'heartbeat', msg: beat(1_000_002) }, incarnation) },
      { ...beat(1_000_003), proof: { ...makeProof(s.mIdentity, s.at.b.id, { kind: 'heartbeat', msg: beat(1_000_003) }, incarnation), publicKey: a.publicKey, credentialSignature: a.signature } },
      { ...beat(1_000_004), proof: makeProof(s.aIdentity, s.at.b.id, { kind: 'heartbeat', msg: beat(1_000_004) }, incarnation - 1) },
    ]);
    await sleep(SETTLE_MS);
    const refused = Object.fromEntries(s.b.node.forgedState.samples().map((c) => [`${c.kind} ${c.code}`, c.n]));
    assert.deepEqual(refused, {
      [`heartbeat ${ProofRefusal.MISSING}`]: 1,
      [`heartbeat ${ProofRefusal.CREDENTIAL}`]: 1,
      [`heartbeat ${ProofRefusal.SIGNATURE}`]: 1,
      [`heartbeat ${ProofRefusal.STALE}`]: 1,
    });
    assert.deepEqual(s.fromM().filter((m) => m.type === MessageType.HEARTBEAT), [], 'a forged HEARTBEAT reached the core');
    assert.ok(s.maxGapMs() < MAX_GAP_MS, `B's client saw a gap of ${s.maxGapMs().toFixed(0)} ms`);
  });

  it("the generator's own heartbeats still reach the core, with its proof", async () => {
    const A = s.a.node.self;
    const real = (): number => s.coreInput.filter((x) => x.from === A && x.msg.type === MessageType.HEARTBEAT && x.msg.proof !== undefined).length;
    const before = real();
    await until(() => real() > before, s.at.a.gossamer.config.heartbeatIntervalMs + 2000, "B's core got no heartbeat of A");
  });
});
