/**
 * Forged LEAVEs of the source (test/security/forged-leave.test.ts, on the live deployment). The member, on its own
 * TLS control connection, sends per round: a LEAVE of the source without a proof, one signed with its own
 * credential, one with the source's credential but its own signature, one naming the victim as the origin, and a
 * failure report about the victim signed as itself (the victim is no member: dropped unchecked); once, failure
 * reports about the source and about a member that is no source, signed as itself (valid: stopped at a node that
 * still hears the reported SCX as a neighbour, else flooded on and checked by a ping, and refuted, at each node). An
 * outsider sends LEAVEs in plaintext, and with a stranger overlay's certificate for the source's id.
 * Accepted: nodes that lost their route to the source, receivers silent > 1 s, reports confirmed.
 */

import { makeProof } from '../../../src/daemon/gossip-proofs.ts';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType, type Leave } from '../../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../../src/net/control-frame.ts';
import { encodeHello } from '../../../src/net/hello.ts';
import { delta, Scrape } from '../scrape.ts';
import { gapped, routesLost } from './effects.ts';
import { asMember, memberLeave, refusedLink, type Forgery } from './forgery.ts';

const ROUNDS = 3;

export const forgedLeave: Forgery = {
  name: 'forged LEAVE',
  who: 'member and outsider',
  what: 'LEAVEs of the source: unsigned, self-signed, with the source credential, naming the victim; a self-signed failure report',
  async run(f) {
    const A = f.source;
    const M = f.member.id;
    const V = f.victim.address;
    const frame = (m: Leave): Buffer => gossamerFrame(f.sessionId, encodeMessage(m));
    const leave = (t: number, scx = A, origin = A): Leave => ({ type: MessageType.LEAVE, scx, timestampMs: t, origin });
    const byM = (m: Leave, incarnation = 1): Leave => ({ ...m, proof: makeProof(f.member.identity, f.sessionId, { kind: 'leave', msg: m }, incarnation) });
    const a = f.credentialOf(A);
    const refusedHere: Leave[] = [];
    const reaching: Leave[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t = Date.now() + r;
      const withA = byM(leave(t + 0.25));
      refusedHere.push(
        leave(t),
        byM(leave(t + 0.5)),
        { ...withA, proof: { ...withA.proof!, publicKey: a.publicKey, credentialSignature: a.signature } },
        byM(leave(t + 0.75, A, V)),
      );
      reaching.push(byM(leave(t, V, M)));
    }
    const reports = [byM(leave(Date.now(), A, M)), byM(leave(Date.now(), f.plainMember, M))];
    const outsider = [leave(Date.now() + 10), leave(Date.now() + 11), leave(Date.now() + 12)];
    const before = await Scrape.of(f.d);
    let plaintext = false;
    let stranger = false;
    const from = Date.now();
    await f.measured(async () => {
      await asMember(f, [encodeHello({ kind: 'control', from: M }), ...[...refusedHere, ...reaching, ...reports].map(frame), memberLeave(f)]);
      plaintext = await refusedLink(f, undefined, [encodeHello({ kind: 'control', from: f.upstream ?? A }), ...outsider.map(frame)]);
      stranger = await refusedLink(f, f.strangerTls(A), [encodeHello({ kind: 'control', from: A }), ...outsider.map(frame)]);
    }, 3000);
    const to = Date.now();
    const after = await Scrape.of(f.d);
    const lost = await routesLost(f.d);
    const silent = gapped(f.d, from, to);
    const confirmed = delta(before, after, 'scattercast_failure_reports_checked_total', { outcome: 'confirmed' });
    const refuted = delta(before, after, 'scattercast_failure_reports_checked_total', { outcome: 'refuted' });
    const T = [f.target];
    return {
      tried: refusedHere.length + reaching.length + reports.length + 2 * outsider.length,
      unit: 'LEAVEs',
      accepted: lost.length + silent.length + confirmed + (plaintext ? 0 : 1) + (stranger ? 0 : 1),
      effect: `${lost.length} nodes lost the source, ${silent.length} receivers silent > 1 s, ${confirmed} reports confirmed (${refuted} refuted by a ping), outsider links ${plaintext && stranger ? 'closed' : 'KEPT'}`,
      checks: [
        { counter: 'scattercast_forged_state_refused_total{kind="leave"}', expected: refusedHere.length, got: delta(before, after, 'scattercast_forged_state_refused_total', { kind: 'leave' }, T) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_PLAINTEXT"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_PLAINTEXT' }, T) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_CREDENTIAL_FORGED"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_CREDENTIAL_FORGED' }, T) },
      ],
    };
  },
};
