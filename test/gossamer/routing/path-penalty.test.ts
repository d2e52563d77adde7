/**
 * A gray failure's penalty (RouteTable.setPathPenalty, GossamerNode.penaliseInPaths): routes whose path runs through
 * a data-silent SCX cost more, whoever advertises them, so an SCX goes around the silent one even through a
 * neighbour that is itself healthy; the penalty travels in the adverts, and lifting it brings the cheap route back.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteTable, type SwitchGain } from '../../../src/gossamer/routing/route-table.ts';

const GAIN: SwitchGain = { minMs: 2, fraction: 0.1 };
const PENALTY_MS = 10_000;

/** x hears source s through a (path a, v, s: 3 ms) and through b (path b, w, s: 8 ms); links cost 1 ms. */
function table(): RouteTable {
  const t = new RouteTable('x');
  t.applyUpdate('a', true, [{ source: 's', costMs: 2, path: ['a', 'v', 's'] }], []);
  t.applyUpdate('b', true, [{ source: 's', costMs: 7, path: ['b', 'w', 's'] }], []);
  return t;
}
const link = (): number => 1;

describe('path penalty', () => {
  it('moves the route off a path through the penalised SCX, past the switch gain, and its cost shows it', () => {
    const t = table();
    t.recompute(link, GAIN);
    assert.equal(t.route('s')?.upstream, 'a');
    t.setPathPenalty('v', PENALTY_MS);
    const { changed } = t.recompute(link, GAIN);
    assert.equal(t.route('s')?.upstream, 'b', 'still through the silent SCX v');
    assert.equal(t.route('s')?.costMs, 8);
    assert.equal(changed.length, 1);
  });

  it('keeps a penalised route when it is the only one, at a cost that tells those below', () => {
    const t = new RouteTable('x');
    t.applyUpdate('a', true, [{ source: 's', costMs: 2, path: ['a', 'v', 's'] }], []);
    t.setPathPenalty('v', PENALTY_MS);
    t.recompute(link, GAIN);
    assert.equal(t.route('s')?.upstream, 'a');
    assert.equal(t.route('s')?.costMs, 3 + PENALTY_MS);
  });

  it('lifted, lets the cheaper route through the SCX win again', () => {
    const t = table();
    t.setPathPenalty('v', PENALTY_MS);
    t.recompute(link, GAIN);
    t.setPathPenalty('v', 0);
    t.recompute(link, GAIN);
    assert.equal(t.route('s')?.upstream, 'a');
    assert.equal(t.route('s')?.costMs, 3);
  });
});

describe('a penalty where every route runs through the silent SCX', () => {
  it('makes the next probe go to the source itself, at once', async () => {
    const { GossamerNode } = await import('../../../src/gossamer/node.ts');
    const { decodeMessage, encodeMessage } = await import('../../../src/gossamer/wire/codec.ts');
    const { ConnectIntent, MessageType } = await import('../../../src/gossamer/wire/messages.ts');
    const node = new GossamerNode({ id: 'x', rendezvous: ['r'], seed: 1 });
    node.start(0);
    node.handleTimeout(0);
    const deliver = (from: string, msg: Parameters<typeof encodeMessage>[0]): void => node.handleMessage(10, from, encodeMessage(msg));
    deliver('r', { type: MessageType.DISCOVERY, known: ['r', 's', 'a', 'b', 'c'], digest: new Uint8Array() });
    for (const id of ['v', 'w']) deliver(id, { type: MessageType.CONNECT, intent: ConnectIntent.FILL });
    node.setLinkCost('v', 1);
    node.setLinkCost('w', 1);
    deliver('v', { type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: 's', costMs: 1, path: ['v', 's'] }], withdrawn: [] });
    deliver('w', { type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: 's', costMs: 2, path: ['w', 'v', 's'] }], withdrawn: [] });
    assert.equal(node.routes.route('s')?.upstream, 'v');
    while (node.pollTransmit()) continue;
    node.penaliseInPaths(20, 'v', PENALTY_MS);
    node.handleTimeout(20);
    const probed: string[] = [];
    for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
      const m = decodeMessage(t.data);
      if (m.ok && m.value.type === MessageType.REQUEST_STATUS) probed.push(t.to);
    }
    assert.deepEqual(probed.slice(0, 1), ['s'], `probed ${JSON.stringify(probed)}`);
  });
});
