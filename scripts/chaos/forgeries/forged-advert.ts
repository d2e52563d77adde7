/**
 * Forged source adverts (test/security/forged-advert.test.ts, on the live deployment). The member connects as a
 * mesh neighbour of the target (CONNECT) and advertises, per round: the victim as a source without a proof, with its
 * own proof, with the source's credential but its own signature, a real SCX that sends nothing (with its own proof),
 * and the victim in a STATUS; then it leaves with its own signed LEAVE. An outsider sends the same in plaintext.
 * Accepted: nodes with a route to any source but the session's one, receivers silent > 1 s.
 */

import { makeProof } from '../../../src/daemon/gossip-proofs.ts';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType, type Message, type RouteAdvert } from '../../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../../src/net/control-frame.ts';
import { encodeHello } from '../../../src/net/hello.ts';
import { delta, Scrape } from '../scrape.ts';
import { gapped, otherSources } from './effects.ts';
import { asMember, memberLeave, refusedLink, type Forgery } from './forgery.ts';

const ROUNDS = 3;

export const forgedAdvert: Forgery = {
  name: 'forged source advert',
  who: 'member and outsider',
  what: 'routes to the victim (unsigned, self-signed, source credential) and to a member that is no source, as a neighbour',
  async run(f) {
    const M = f.member.id;
    const V = f.victim.address;
    const C = f.plainMember;
    const a = f.credentialOf(f.source);
    const update = (r: RouteAdvert): Message => ({ type: MessageType.ROUTE_UPDATE, full: false, routes: [r], withdrawn: [] });
    const route = (source: string): RouteAdvert => ({ source, costMs: 0.01, path: [M, source] });
    const byM = (source: string) => makeProof(f.member.identity, f.sessionId, { kind: 'advert', source }, 1);
    const forged: Message[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      forged.push(
        update(route(V)),
        update({ ...route(V), proof: byM(V) }),
        update({ ...route(V), proof: { ...byM(V), publicKey: a.publicKey, credentialSignature: a.signature } }),
        update({ ...route(C), proof: byM(C) }),
        { type: MessageType.STATUS, nonce: r + 1, canAccept: true, canEvict: false, routes: [route(V)] },
      );
    }
    const frames = (ms: readonly Message[]): Buffer[] => ms.map((m) => gossamerFrame(f.sessionId, encodeMessage(m)));
    const connect: Message = { type: MessageType.CONNECT, intent: ConnectIntent.FILL };
    const before = await Scrape.of(f.d);
    let plaintext = false;
    const from = Date.now();
    await f.measured(async () => {
      await asMember(f, [encodeHello({ kind: 'control', from: M }), ...frames([connect]), ...frames(forged), memberLeave(f)], 1000);
      plaintext = await refusedLink(f, undefined, [encodeHello({ kind: 'control', from: f.upstream ?? f.source }), ...frames([connect, ...forged])]);
    }, 2500);
    const to = Date.now();
    const after = await Scrape.of(f.d);
    const other = await otherSources(f.d);
    const silent = gapped(f.d, from, to);
    return {
      tried: 2 * forged.length,
      unit: 'adverts',
      accepted: other.nodes.length + silent.length + (plaintext ? 0 : 1),
      effect: `${other.nodes.length} nodes with a route to another source${other.sources.length ? ` (${other.sources.join(', ')})` : ''}, ${silent.length} receivers silent > 1 s, outsider link ${plaintext ? 'closed' : 'KEPT'}`,
      checks: [
        { counter: 'scattercast_forged_state_refused_total{kind="advert"}', expected: forged.length, got: delta(before, after, 'scattercast_forged_state_refused_total', { kind: 'advert' }, [f.target]) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_PLAINTEXT"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_PLAINTEXT' }, [f.target]) },
      ],
    };
  },
};
