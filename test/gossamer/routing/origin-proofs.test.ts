/**
 * The core carries origin proofs opaquely: a source's own proof rides in its adverts, a relay re-advertises the proof
 * it got with the route, and LEAVEs and HEARTBEATs are flooded on with theirs. It never makes or checks one.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GossamerNode } from '../../../src/gossamer/node.ts';
import { decodeMessage, encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType, type Message, type OriginProof } from '../../../src/gossamer/wire/messages.ts';

const proof = (incarnation: number, fill: number): OriginProof => ({
  incarnation,
  publicKey: new Uint8Array(32).fill(fill),
  credentialSignature: new Uint8Array(64).fill(fill + 1),
  signature: new Uint8Array(64).fill(fill + 2),
});

/** Everything `node` sends now, decoded, with its destination. */
function sent(node: GossamerNode): Array<{ to: string; msg: Message }> {
  const out: Array<{ to: string; msg: Message }> = [];
  for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
    const d = decodeMessage(t.data);
    assert.ok(d.ok);
    out.push({ to: t.to, msg: d.value });
  }
  return out;
}

/** A node `self` with neighbours `peers` (each CONNECTed to it, measured at 5 ms), its output so far taken. */
function withNeighbours(self: string, peers: string[], options: Partial<ConstructorParameters<typeof GossamerNode>[0]> = {}): GossamerNode {
  const node = new GossamerNode({ id: self, rendezvous: ['r'], seed: 1, ...options });
  node.start(0);
  for (const p of peers) {
    node.handleMessage(10, p, encodeMessage({ type: MessageType.CONNECT, intent: ConnectIntent.FILL }));
    node.setLinkCost(p, 5);
  }
  sent(node);
  return node;
}

describe('routing and liveness: origin proofs carried unchanged', () => {
  it("a source's adverts carry the proof its driver made, in full tables and in STATUS", () => {
    const P = proof(7, 0x10);
    const node = withNeighbours('src', [], { sourceProof: P });
    node.becomeSource(20);
    node.handleMessage(30, 'b', encodeMessage({ type: MessageType.CONNECT, intent: ConnectIntent.FILL }));
    const update = sent(node).find((s) => s.to === 'b' && s.msg.type === MessageType.ROUTE_UPDATE);
    assert.ok(update && update.msg.type === MessageType.ROUTE_UPDATE);
    assert.deepEqual(update.msg.routes, [{ source: 'src', costMs: 0, path: ['src'], proof: P }]);
    node.handleMessage(40, 'c', encodeMessage({ type: MessageType.REQUEST_STATUS, nonce: 3 }));
    const status = sent(node).find((s) => s.msg.type === MessageType.STATUS);
    assert.ok(status && status.msg.type === MessageType.STATUS);
    assert.deepEqual(status.msg.routes[0]?.proof, P);
  });

  it('a relay re-advertises the proof it got with the route; a new incarnation is news', () => {
    const node = withNeighbours('b', ['src', 'c']);
    const first = proof(1, 0x20);
    node.handleMessage(50, 'src', encodeMessage({ type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: 'src', costMs: 0, path: ['src'], proof: first }], withdrawn: [] }));
    const out = sent(node).filter((s) => s.to === 'c' && s.msg.type === MessageType.ROUTE_UPDATE);
    assert.equal(out.length, 1);
    assert.deepEqual(out[0]?.msg.type === MessageType.ROUTE_UPDATE && out[0].msg.routes, [{ source: 'src', costMs: 5, path: ['b', 'src'], proof: first }]);
    // The same proof again (a periodic full table): no change to send.
    node.handleMessage(2000, 'src', encodeMessage({ type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: 'src', costMs: 0, path: ['src'], proof: proof(1, 0x20) }], withdrawn: [] }));
    node.handleTimeout(2000);
    assert.deepEqual(sent(node).filter((s) => s.msg.type === MessageType.ROUTE_UPDATE), []);
    // The source restarted: its new proof goes on at once.
    const second = proof(2, 0x30);
    node.handleMessage(4000, 'src', encodeMessage({ type: MessageType.ROUTE_UPDATE, full: true, routes: [{ source: 'src', costMs: 0, path: ['src'], proof: second }], withdrawn: [] }));
    const again = sent(node).find((s) => s.to === 'c' && s.msg.type === MessageType.ROUTE_UPDATE);
    assert.deepEqual(again?.msg.type === MessageType.ROUTE_UPDATE && again.msg.routes[0]?.proof, second);
    assert.deepEqual(node.route('src')?.proof, second);
  });

  it('a LEAVE and a HEARTBEAT are flooded on with their proofs', () => {
    const node = withNeighbours('b', ['a', 'c', 'd']);
    const L = proof(3, 0x40);
    node.handleMessage(100, 'a', encodeMessage({ type: MessageType.LEAVE, scx: 'd', timestampMs: 90, origin: 'd', proof: L }));
    const leaves = sent(node).filter((s) => s.msg.type === MessageType.LEAVE);
    assert.deepEqual(leaves.map((s) => s.to), ['c']);
    assert.deepEqual(leaves[0]?.msg, { type: MessageType.LEAVE, scx: 'd', timestampMs: 90, origin: 'd', proof: L });
    const H = proof(4, 0x50);
    node.handleMessage(200, 'a', encodeMessage({ type: MessageType.HEARTBEAT, generator: 'r', seq: 9, proof: H }));
    const beats = sent(node).filter((s) => s.msg.type === MessageType.HEARTBEAT);
    assert.deepEqual(beats.map((s) => s.to), ['c']);
    assert.deepEqual(beats[0]?.msg, { type: MessageType.HEARTBEAT, generator: 'r', seq: 9, proof: H });
  });

  it('what the core originates itself is unsigned: the driver signs it', () => {
    const node = withNeighbours('b', ['a']);
    node.leave(300);
    const leave = sent(node).find((s) => s.msg.type === MessageType.LEAVE);
    assert.deepEqual(leave?.msg, { type: MessageType.LEAVE, scx: 'b', timestampMs: 300, origin: 'b' });
  });
});
