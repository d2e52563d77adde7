/**
 * A suspected neighbour whose host refuses a connection (its process is gone, kill -9) is declared failed at once,
 * without waiting out `suspicionMs`; a refusal without a suspicion first changes nothing.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GossamerNode } from '../../../src/gossamer/node.ts';
import { decodeMessage, encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType } from '../../../src/gossamer/wire/messages.ts';

/** A node with neighbours 'a' and 'b'; its transmits and events so far are drained. */
function withNeighbours(): GossamerNode {
  const node = new GossamerNode({ id: 'self', rendezvous: ['r'], seed: 1 });
  node.start(0);
  for (const id of ['a', 'b']) node.handleMessage(10, id, encodeMessage({ type: MessageType.CONNECT, intent: ConnectIntent.FILL }));
  assert.deepEqual([...node.neighbours.ids()].sort(), ['a', 'b']);
  while (node.pollTransmit()) continue;
  while (node.pollEvent()) continue;
  return node;
}

describe('a refused dial', () => {
  it('fails a suspected neighbour at once, floods its LEAVE and tells the driver', () => {
    const node = withNeighbours();
    node.suspect(20, 'a');
    node.refused(21, 'a');
    assert.equal(node.neighbours.has('a'), false);
    assert.ok(node.membership.isDead('a'));
    assert.equal(node.stats.refusedFailures, 1);
    const sent: Array<{ to: string; type: number }> = [];
    for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
      const m = decodeMessage(t.data);
      if (m.ok) sent.push({ to: t.to, type: m.value.type });
    }
    assert.ok(sent.some((s) => s.to === 'b' && s.type === MessageType.LEAVE), `no LEAVE to b: ${JSON.stringify(sent)}`);
    const events = [];
    for (let e = node.pollEvent(); e; e = node.pollEvent()) events.push(e);
    assert.ok(events.some((e) => e.type === 'scx-dead' && e.scx === 'a' && e.reason === 'failed'));
  });

  it('changes nothing for a neighbour not suspected', () => {
    const node = withNeighbours();
    node.refused(21, 'b');
    assert.ok(node.neighbours.has('b'));
    assert.equal(node.stats.refusedFailures, 0);
  });
});
