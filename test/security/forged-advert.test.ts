/**
 * Only sources advertise (paper 4.3), but any neighbour could advertise a route to a source that does not exist, or
 * name a member that sends nothing as a source, and its neighbours took it. Now every advert carries its source's
 * proof (src/daemon/gossip-proofs.ts), copied along the path: an update with an advert whose proof is missing or is
 * not the named source's is refused whole and counted, and never reaches the core. A member's own advert, signed by
 * itself, still counts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProof, ProofRefusal } from '../../src/daemon/gossip-proofs.ts';
import { ConnectIntent, MessageType, type Message, type OriginProof, type RouteAdvert } from '../../src/gossamer/wire/messages.ts';
import { signedSession, sleep } from '../support/signed-session.ts';

const SETTLE_MS = 2000;
/** A proof as compared here: its incarnation and signature. */
const id = (p: OriginProof | undefined): string | undefined => p && `${p.incarnation} ${Buffer.from(p.signature).toString('hex')}`;
const MAX_GAP_MS = 500;
/** A source nobody runs. */
const INVENTED = '127.0.0.1:9';

describe('a member advertising sources that are not', { timeout: 90_000 }, () => {
  const s = signedSession();

  it('is refused: 0 invented sources reach the core, the real routes stay, receivers see no gap', async () => {
    const [A, C, M] = [s.a.node.self, s.c.node.self, s.m];
    const update = (r: RouteAdvert): Message => ({ type: MessageType.ROUTE_UPDATE, full: false, routes: [r], withdrawn: [] });
    const route = (source: string): RouteAdvert => ({ source, costMs: 0.01, path: [M, source] });
    const byM = (source: string) => makeProof(s.mIdentity, s.at.b.id, { kind: 'advert', source }, 1);
    const aProof = s.at.a.signed?.sourceProof;
    assert.ok(aProof);
    s.resetGap();
    await s.sendToB([
      { type: MessageType.CONNECT, intent: ConnectIntent.FILL },
      update(route(INVENTED)),
      update({ ...route(INVENTED), proof: byM(INVENTED) }),
      update({ ...route(INVENTED), proof: aProof }),
      update(route(C)),
      update({ ...route(C), proof: byM(C) }),
      { type: MessageType.STATUS, nonce: 1, canAccept: true, canEvict: false, routes: [route(INVENTED)] },
      update({ source: M, costMs: 0, path: [M], proof: byM(M) }),
    ]);
    await sleep(SETTLE_MS);
    const refused = Object.fromEntries(s.b.node.forgedState.samples().map((c) => [`${c.kind} ${c.code}`, c.n]));
    assert.deepEqual(refused, { [`advert ${ProofRefusal.MISSING}`]: 3, [`advert ${ProofRefusal.CREDENTIAL}`]: 3 });
    const advertised = s.fromM().flatMap((m) => (m.type === MessageType.ROUTE_UPDATE || m.type === MessageType.STATUS ? m.routes.map((r) => r.source) : []));
    assert.deepEqual(advertised, [M], "only the member's own signed advert reached the core");
    for (const fake of [INVENTED, C]) assert.equal(s.at.b.gossamer.route(fake), undefined, `B routes to ${fake}`);
    assert.equal(s.at.b.gossamer.upstream(A), A, 'B lost its route to the source');
    assert.equal(id(s.at.b.gossamer.route(A)?.proof), id(aProof), "B's route to the source carries the source's own proof");
    assert.ok(s.maxGapMs() < MAX_GAP_MS, `B's client saw a gap of ${s.maxGapMs().toFixed(0)} ms`);
  });

  it("the real source's proof reaches B and C with its route", () => {
    for (const at of [s.at.b, s.at.c]) assert.equal(id(at.gossamer.route(s.a.node.self)?.proof), id(s.at.a.signed?.sourceProof));
  });
});
