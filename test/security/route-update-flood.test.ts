/**
 * Floods a neighbour may send into the sans-IO core, each bounded: ROUTE_UPDATEs naming ever more invented sources
 * (a neighbour's advertised table held every one, each update recomputing them all) and LEAVEs with ever new
 * duplicate keys (the flood cache kept each for its memory, without bound). A stranger becomes a neighbour with one
 * CONNECT, so both are reachable from outside until links are authenticated (issue 12).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_GOSSAMER_CONFIG } from '../../src/gossamer/config.ts';
import { FLOOD_CACHE_MAX_KEYS, FloodCache } from '../../src/gossamer/liveness/flood-cache.ts';
import { GossamerNode } from '../../src/gossamer/node.ts';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType, type Message, type RouteAdvert } from '../../src/gossamer/wire/messages.ts';

const CAP = DEFAULT_GOSSAMER_CONFIG.maxSourcesPerNeighbour;
/** Invented sources the attacker advertises, in updates of PER_UPDATE. */
const INVENTED = 3 * CAP;
const PER_UPDATE = 512;

describe('floods from a neighbour into the core', { timeout: 60_000 }, () => {
  it(`a neighbour's route updates hold at most maxSourcesPerNeighbour (${CAP}) sources; the rest are refused and counted`, () => {
    const node = new GossamerNode({ id: 'self', rendezvous: ['r'], seed: 1 });
    node.start(0);
    const deliver = (msg: Message): void => node.handleMessage(10, 'evil', encodeMessage(msg));
    deliver({ type: MessageType.CONNECT, intent: ConnectIntent.FILL });
    assert.ok(node.neighbours.has('evil'), 'the stranger did not become a neighbour');
    node.setLinkCost('evil', 5);
    for (let first = 0; first < INVENTED; first += PER_UPDATE) {
      const routes: RouteAdvert[] = Array.from({ length: PER_UPDATE }, (_, k) => ({ source: `s${first + k}`, costMs: 1, path: ['evil', `s${first + k}`] }));
      deliver({ type: MessageType.ROUTE_UPDATE, full: false, routes, withdrawn: [] });
    }
    assert.equal(node.routes.size, CAP, 'routes held');
    assert.equal(node.stats.routesRefused, INVENTED - CAP);
    // Sources it already advertises may still be updated: the cap refuses only new ones.
    deliver({ type: MessageType.ROUTE_UPDATE, full: false, routes: [{ source: 's0', costMs: 2, path: ['evil', 's0'] }], withdrawn: [] });
    assert.equal(node.routes.route('s0')?.costMs, 2 + 5);
  });

  it(`the flood cache holds at most ${FLOOD_CACHE_MAX_KEYS} keys, forgetting the oldest first`, () => {
    const cache = new FloodCache();
    for (let i = 0; i < 2 * FLOOD_CACHE_MAX_KEYS; i++) assert.ok(cache.firstSight(`leave|x|${i}`, 0, 120_000));
    assert.equal(cache.size, FLOOD_CACHE_MAX_KEYS);
    assert.equal(cache.firstSight(`leave|x|${2 * FLOOD_CACHE_MAX_KEYS - 1}`, 0, 120_000), false, 'a recent key is still a duplicate');
    assert.equal(cache.firstSight('leave|x|0', 0, 120_000), true, 'the oldest key was forgotten');
  });
});
