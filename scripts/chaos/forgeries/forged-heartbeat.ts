/**
 * Forged HEARTBEATs of the generator (test/security/forged-heartbeat.test.ts, on the live deployment). The member
 * sends, per round, a HEARTBEAT of the generator the target follows, far ahead in sequence: without a proof, signed
 * with its own credential, with the generator's credential but its own signature; and one naming the victim as the
 * generator, signed by itself. An outsider sends them in plaintext. A HEARTBEAT the target took would be flooded on
 * to its neighbours, who would refuse it in turn. Accepted: those refusals at the other nodes, nodes following
 * another generator than before, receivers silent > 1 s.
 */

import { makeProof } from '../../../src/daemon/gossip-proofs.ts';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType, type Heartbeat } from '../../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../../src/net/control-frame.ts';
import { encodeHello } from '../../../src/net/hello.ts';
import { snapshot } from '../mesh.ts';
import { delta, Scrape } from '../scrape.ts';
import { gapped } from './effects.ts';
import { asMember, memberLeave, refusedLink, type Forgery } from './forgery.ts';

const ROUNDS = 4;

export const forgedHeartbeat: Forgery = {
  name: 'forged heartbeat',
  who: 'member and outsider',
  what: "the generator's HEARTBEAT far ahead in sequence (unsigned, self-signed, generator credential), the victim as generator",
  async run(f) {
    const G = f.generator ?? f.source;
    const g = f.credentialOf(G);
    const beat = (seq: number, generator = G): Heartbeat => ({ type: MessageType.HEARTBEAT, generator, seq });
    const byM = (m: Heartbeat) => makeProof(f.member.identity, f.sessionId, { kind: 'heartbeat', msg: m }, Date.now());
    const forged: Heartbeat[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const seq = 1_000_000_000 + f.rng.below(1_000_000) * 8 + 2 * r;
      forged.push(
        beat(seq),
        { ...beat(seq + 1), proof: byM(beat(seq + 1)) },
        { ...beat(seq + 2), proof: { ...byM(beat(seq + 2)), publicKey: g.publicKey, credentialSignature: g.signature } },
        { ...beat(seq + 3, f.victim.address), proof: byM(beat(seq + 3, f.victim.address)) },
      );
    }
    const frames = forged.map((m) => gossamerFrame(f.sessionId, encodeMessage(m)));
    const followed = new Map([...(await snapshot(f.d)).states].map(([i, s]) => [i, s.generator]));
    const before = await Scrape.of(f.d);
    let plaintext = false;
    const from = Date.now();
    await f.measured(async () => {
      await asMember(f, [encodeHello({ kind: 'control', from: f.member.id }), ...frames, memberLeave(f)]);
      plaintext = await refusedLink(f, undefined, [encodeHello({ kind: 'control', from: f.upstream ?? f.source }), ...frames]);
    }, 2000);
    const to = Date.now();
    const after = await Scrape.of(f.d);
    const others = f.d.live().filter((i) => i !== f.target);
    const passedOn = delta(before, after, 'scattercast_forged_state_refused_total', { kind: 'heartbeat' }, others);
    const switched = [...(await snapshot(f.d)).states].filter(([i, s]) => followed.has(i) && s.generator !== followed.get(i)).map(([i]) => i);
    const silent = gapped(f.d, from, to);
    return {
      tried: 2 * forged.length,
      unit: 'HEARTBEATs',
      accepted: passedOn + switched.length + silent.length + (plaintext ? 0 : 1),
      effect: `${passedOn} passed on (refused at another node), ${switched.length} nodes follow another generator, ${silent.length} receivers silent > 1 s, outsider link ${plaintext ? 'closed' : 'KEPT'}`,
      checks: [
        { counter: 'scattercast_forged_state_refused_total{kind="heartbeat"}', expected: forged.length, got: delta(before, after, 'scattercast_forged_state_refused_total', { kind: 'heartbeat' }, [f.target]) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_PLAINTEXT"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_PLAINTEXT' }, [f.target]) },
      ],
    };
  },
};
