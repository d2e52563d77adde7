/** The membership's bounds: new ids per gossiped list (discoveryMembersPerAnswer) and ids held (maxMembers), each refusal counted. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/core/errors.ts';
import type { GossamerConfig } from '../../../src/gossamer/config.ts';
import { GossamerNode } from '../../../src/gossamer/node.ts';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType, type Message } from '../../../src/gossamer/wire/messages.ts';

const NO_DIGEST = new Uint8Array();
const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** A node past its first round, whose only rendezvous is "r". */
function started(config: Partial<GossamerConfig>): GossamerNode {
  const node = new GossamerNode({ id: 'self', rendezvous: ['r'], seed: 1, config });
  node.start(0);
  node.handleTimeout(0);
  return node;
}

const deliver = (node: GossamerNode, from: string, msg: Message): void => node.handleMessage(10, from, encodeMessage(msg));

/** The peers the node asked its driver to measure since the last drain; transmits are dropped. */
function measured(node: GossamerNode): string[] {
  const peers: string[] = [];
  while (node.pollTransmit()) continue;
  for (let e = node.pollEvent(); e; e = node.pollEvent()) if (e.type === 'link-cost-wanted') peers.push(e.peer);
  return peers;
}

describe('membership bounds', () => {
  it('learns at most discoveryMembersPerAnswer new ids from one list, counts the rest, and measures only those learned', () => {
    const node = started({ discoveryMembersPerAnswer: 5 });
    measured(node);
    deliver(node, 'r', { type: MessageType.DISCOVERY, known: ['r', ...ids('a', 20)], digest: NO_DIGEST });
    assert.equal(node.membership.size, 1 + 5);
    assert.deepEqual(node.stats.membersRefused, { answer: 15, full: 0 });
    assert.deepEqual(measured(node).sort(), ids('a', 5).sort());
    // Ids already known are no news, so not refused; the next list brings the next five.
    deliver(node, 'r', { type: MessageType.DISCOVERY, known: ids('a', 20), digest: NO_DIGEST });
    assert.equal(node.membership.size, 1 + 10);
    assert.deepEqual(node.stats.membersRefused, { answer: 25, full: 0 });
  });

  it('holds at most maxMembers ids, gossiped or heard from, and still answers a sender it could not learn', () => {
    const node = started({ maxMembers: 10 });
    for (let i = 0; i < 4; i++) deliver(node, 'r', { type: MessageType.DISCOVERY, known: ids(`b${i}`, 100), digest: NO_DIGEST });
    assert.equal(node.membership.size, 10);
    assert.equal(node.stats.membersRefused.full, 4 * 100 - 9);
    measured(node);
    deliver(node, 'stranger', { type: MessageType.PING, nonce: 3 });
    assert.equal(node.membership.has('stranger'), false);
    assert.equal(node.stats.membersRefused.full, 4 * 100 - 9 + 1);
    const answer = node.pollTransmit();
    assert.equal(answer?.to, 'stranger', 'the PING went unanswered');
  });

  it('marks dead at most maxMembers ids in all: a LEAVE flood naming invented SCXs stops growing it', () => {
    const node = started({ maxMembers: 10 });
    for (const [i, scx] of ids('c', 50).entries()) deliver(node, 'r', { type: MessageType.LEAVE, scx, origin: scx, timestampMs: i });
    const dead = ids('c', 50).filter((id) => node.membership.isDead(id));
    assert.deepEqual(dead, ids('c', 9));
    assert.equal(node.stats.membersRefused.full, 50 - 9);
    // A known SCX is still marked dead when the membership is full: the mark takes its place.
    deliver(node, 'r', { type: MessageType.LEAVE, scx: 'r', origin: 'r', timestampMs: 99 });
    assert.ok(node.membership.isDead('r') && !node.membership.has('r'));
  });

  it('refuses bounds that are not positive integers', () => {
    for (const bad of [{ maxMembers: 0 }, { discoveryMembersPerAnswer: 0 }, { maxMembers: 1.5 }]) {
      assert.throws(() => new GossamerNode({ id: 'self', rendezvous: ['r'], seed: 1, config: bad }), { code: ErrorCode.CONFIG_INVALID });
    }
  });
});
