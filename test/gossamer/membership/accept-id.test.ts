/** The driver's acceptId: an id it cannot reach is never learned, measured or heard from, and each refusal is counted. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GossamerNode } from '../../../src/gossamer/node.ts';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType, type Message } from '../../../src/gossamer/wire/messages.ts';

const ok = (id: string): boolean => id.startsWith('ok');

/** A node past its first round (its DISCOVERY to the one rendezvous it knows awaits an answer). */
function started(id: string, rendezvous: string[], acceptId?: (id: string) => boolean): GossamerNode {
  const node = new GossamerNode({ id, rendezvous, seed: 1, acceptId });
  node.start(0);
  node.handleTimeout(0);
  return node;
}

/** A node that accepts only ids starting with "ok", with one good and one bad rendezvous. */
const strictNode = (): GossamerNode => started('ok-self', ['ok-r', 'bad-r'], ok);

const deliver = (node: GossamerNode, from: string, msg: Message): void => node.handleMessage(10, from, encodeMessage(msg));

/** Everything the node asked its driver for since the last drain: transmit targets and measured peers. */
function drain(node: GossamerNode): string[] {
  const asked: string[] = [];
  for (let t = node.pollTransmit(); t; t = node.pollTransmit()) asked.push(t.to);
  for (let e = node.pollEvent(); e; e = node.pollEvent()) if (e.type === 'link-cost-wanted') asked.push(e.peer);
  return asked;
}

describe('acceptId', () => {
  it('refuses a rendezvous and gossiped ids it cannot reach, and counts each', () => {
    const node = strictNode();
    assert.deepEqual([...node.membership.members()], ['ok-r']);
    assert.equal(node.stats.idsRefused, 1);
    deliver(node, 'ok-r', { type: MessageType.DISCOVERY_RESPONSE, known: ['ok-1', 'bad-1', 'bad-2'] });
    deliver(node, 'ok-r', { type: MessageType.DISCOVERY, known: ['bad-1', 'ok-2'], digest: new Uint8Array() });
    assert.deepEqual([...node.membership.members()].sort(), ['ok-1', 'ok-2', 'ok-r']);
    assert.equal(node.stats.idsRefused, 4);
    assert.ok(!drain(node).some((id) => !ok(id)), 'the node asked its driver about a refused id');
  });

  it('drops a message from an id it cannot reach, and does not answer it', () => {
    const node = strictNode();
    drain(node);
    deliver(node, 'bad-3', { type: MessageType.PING, nonce: 7 });
    deliver(node, 'bad-3', { type: MessageType.DISCOVERY, known: ['ok-3'], digest: new Uint8Array() });
    assert.ok(!node.membership.has('bad-3') && !node.membership.has('ok-3'));
    assert.deepEqual(drain(node), []);
    assert.equal(node.stats.idsRefused, 3);
  });

  it('accepts every id by default (the simulator names SCXs "s17")', () => {
    const node = started('s0', ['s1']);
    deliver(node, 's1', { type: MessageType.DISCOVERY_RESPONSE, known: ['s17', 'not-an-address'] });
    assert.deepEqual([...node.membership.members()].sort(), ['not-an-address', 's1', 's17']);
    assert.equal(node.stats.idsRefused, 0);
  });
});
