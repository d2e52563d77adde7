/**
 * A member of the overlay forged a LEAVE of the source: every receiver dropped it, and its client lost 3-8 s of the
 * stream. Now a LEAVE counts only with its origin's proof (src/daemon/gossip-proofs.ts): unsigned, signed with the
 * member's own credential, with the source's credential but the member's signature, or the source's real signature
 * replayed from another session, it is refused and counted, and never reaches the core. A failure report the member
 * signs as itself is checked by pinging the reported SCX, which answers. The source's own LEAVE still counts at once.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProof, ProofRefusal } from '../../src/daemon/gossip-proofs.ts';
import { renderMetrics } from '../../src/daemon/metrics.ts';
import { MessageType, type Leave } from '../../src/gossamer/wire/messages.ts';
import { signedSession, sleep, until } from '../support/signed-session.ts';

/** How long B has to act on what M sent (or not), ms; and the longest gap its client may see. */
const SETTLE_MS = 2000;
const MAX_GAP_MS = 500;

describe('a member forging a LEAVE of the source', { timeout: 90_000 }, () => {
  const s = signedSession();

  it('is refused whatever it signs with: 0 reach the core, the source stays, its receivers see no gap', async () => {
    const A = s.a.node.self;
    const leave = (t: number): Leave => ({ type: MessageType.LEAVE, scx: A, timestampMs: t, origin: A });
    const other = new Uint8Array(16).fill(0xab);
    const withM = makeProof(s.mIdentity, s.at.b.id, { kind: 'leave', msg: leave(2) }, 1);
    const a = s.aIdentity.credential;
    s.resetGap();
    await s.sendToB([
      leave(1),
      { ...leave(2), proof: withM },
      { ...leave(3), proof: { ...makeProof(s.mIdentity, s.at.b.id, { kind: 'leave', msg: leave(3) }, 1), publicKey: a.publicKey, credentialSignature: a.signature } },
      { ...leave(4), proof: makeProof(s.aIdentity, other, { kind: 'leave', msg: leave(4) }, s.at.a.signed?.incarnation as number) },
    ]);
    await sleep(SETTLE_MS);
    const refused = Object.fromEntries(s.b.node.forgedState.samples().map((c) => [`${c.kind} ${c.code}`, c.n]));
    assert.deepEqual(refused, { [`leave ${ProofRefusal.MISSING}`]: 1, [`leave ${ProofRefusal.CREDENTIAL}`]: 1, [`leave ${ProofRefusal.SIGNATURE}`]: 2 });
    assert.deepEqual(s.fromM().filter((m) => m.type === MessageType.LEAVE), [], 'a forged LEAVE reached the core');
    assert.equal(s.at.b.gossamer.membership.isDead(A), false);
    assert.equal(s.at.b.gossamer.upstream(A), A, 'B lost its route to the source');
    assert.ok(s.maxGapMs() < MAX_GAP_MS, `B's client saw a gap of ${s.maxGapMs().toFixed(0)} ms`);
    const metrics = await renderMetrics(s.b.node);
    assert.match(metrics, /scattercast_forged_state_refused_total\{kind="leave",code="ERR_PROOF_SIGNATURE"\} 2/);
  });

  it("a failure report it signs as itself is checked: the source's neighbour still hears it; C, pinged, answers", async () => {
    const [A, C] = [s.a.node.self, s.c.node.self];
    const report = (scx: string): Leave => ({ type: MessageType.LEAVE, scx, timestampMs: 10, origin: s.m });
    const signed = (scx: string): Leave => ({ ...report(scx), proof: makeProof(s.mIdentity, s.at.b.id, { kind: 'leave', msg: report(scx) }, 1) });
    // A report about an SCX B does not know yet is dropped unchecked: wait until gossip has told B of C.
    await until(() => s.at.b.gossamer.membership.has(C), 10_000, 'B never learned of C');
    s.resetGap();
    await s.sendToB([signed(A), signed(C)]);
    // A verdict comes on the liveness tick after the PONG (or after failureCheckMs): generous, for a loaded machine.
    const verdicts = (): number => s.at.b.gossamer.stats.failureChecks.refuted + s.at.b.gossamer.stats.failureChecks.confirmed;
    await until(() => verdicts() >= 1, s.at.b.gossamer.config.failureCheckMs + 8000, 'B gave no verdict on the report about C');
    await sleep(s.at.b.gossamer.config.failureCheckMs + 1000);
    assert.equal(s.fromM().filter((m) => m.type === MessageType.LEAVE).length, 2, 'the signed reports reach the core');
    assert.deepEqual(s.at.b.gossamer.stats.failureChecks, { refuted: 1, confirmed: 0, overflow: 0 });
    assert.equal(s.at.b.gossamer.membership.isDead(A), false);
    assert.equal(s.at.b.gossamer.membership.isDead(C), false, 'B believed the report about C');
    assert.ok(s.maxGapMs() < MAX_GAP_MS, `B's client saw a gap of ${s.maxGapMs().toFixed(0)} ms`);
    assert.match(await renderMetrics(s.b.node), /scattercast_failure_reports_checked_total\{session="[^"]+",outcome="refuted"\} 1/);
  });

  it("the source's own LEAVE still counts at once", async () => {
    const A = s.a.node.self;
    const refused = s.b.node.forgedState.samples().reduce((n, c) => n + c.n, 0);
    await s.a.stop();
    await until(() => s.at.b.gossamer.membership.isDead(A), 1000, 'B did not take the source\'s real LEAVE');
    assert.equal(s.b.node.forgedState.samples().reduce((n, c) => n + c.n, 0), refused, 'a real proof was refused');
  });
});
