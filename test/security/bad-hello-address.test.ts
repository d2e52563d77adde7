/**
 * One message used to kill a node: a hello whose `from` is not a node's host:port, or such an id gossiped in a
 * DISCOVERY, got pinged by the probe timer, and the address parser threw outside any guard. Now each depth holds:
 * the hello is refused and counted, the core never learns the id, and a send to a bad address is dropped.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/core/errors.ts';
import { WireCode } from '../../src/core/decoded.ts';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { MessageType } from '../../src/gossamer/wire/messages.ts';
import { isNodeAddress } from '../../src/net/address.ts';
import { gossamerFrame } from '../../src/net/control-frame.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { attackedNode } from '../support/live-node.ts';
import { sendTcpBytes, sendTcpFrames } from '../support/raw-peer.ts';

/** The probe module's interval here, ms: several rounds pass while the test waits. */
const PING_INTERVAL_MS = 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Ids no node has, each short enough for a hello and a Gossamer id. */
const BAD = ['not-an-address', '[::1', 'host:0', 'h:99999', 'h:080', '[10.0.0.1]:80', `${'h'.repeat(251)}:80`];

/** A control hello whose address runs 300 bytes: past its u8 length, so the rest is trailing bytes. */
function longHello(): Uint8Array {
  const head = Buffer.from(encodeHello({ kind: 'control', from: 'x' }));
  const hello = Buffer.concat([head.subarray(0, 5), Buffer.from([255]), Buffer.alloc(300, 'x')]);
  const frame = Buffer.alloc(4 + hello.length);
  frame.writeUInt32BE(hello.length);
  hello.copy(frame, 4);
  return frame;
}

describe('a node address that is not one', { timeout: 60_000 }, () => {
  const attacked = attackedNode(PING_INTERVAL_MS);

  it('in a hello is refused and counted; gossiped, it is never learned; the node serves on', async () => {
    const id = attacked.live.session.id;
    for (const from of BAD) await sendTcpFrames(attacked.live.port, [encodeHello({ kind: 'control', from })]);
    await sendTcpFrames(attacked.live.port, [encodeHello({ kind: 'data', from: BAD[0] as string, sessionId: id, channel: 1 })]);
    await sendTcpBytes(attacked.live.port, longHello());
    const discovery = encodeMessage({ type: MessageType.DISCOVERY, known: [...BAD, attacked.sinks.addresses[0] as string], digest: new Uint8Array() });
    const member = attacked.sinks.addresses[0] as string;
    await sendTcpFrames(attacked.live.port, [encodeHello({ kind: 'control', from: member }), gossamerFrame(id, discovery)], member);
    await sleep(10 * PING_INTERVAL_MS);

    await attacked.live.serves();
    assert.equal(await attacked.live.metric('scattercast_hellos_refused_total', ErrorCode.NODE_ADDRESS_INVALID), BAD.length + 1);
    assert.equal(await attacked.live.metric('scattercast_hellos_refused_total', WireCode.TRAILING), 1);
    assert.ok((await attacked.live.metric('scattercast_ids_refused_total')) >= BAD.length, 'the gossiped ids were not refused');
    const members = attacked.live.session.gossamer.membership.members();
    assert.ok(members.includes(attacked.sinks.addresses[0] as string), 'the valid peer was not learned');
    assert.deepEqual(members.filter((m) => !isNodeAddress(m)), []);
    assert.equal(await attacked.live.metric('scattercast_callback_errors_total'), 0);
    assert.deepEqual(attacked.uncaught.errors, []);
  });

  it('as a peer to send to is dropped and counted, never thrown, on TCP, UDP and the probe timer', async () => {
    const { node } = attacked.live.running;
    const id = attacked.live.session.id;
    for (const peer of BAD) {
      assert.equal(node.tcp.sendControl(peer, gossamerFrame(id, encodeMessage({ type: MessageType.KEEPALIVE }))), false);
      node.udp.sendData(peer, new Uint8Array(8));
      node.probe.want(peer);
    }
    await sleep(5 * PING_INTERVAL_MS);

    await attacked.live.serves();
    assert.equal(await attacked.live.metric('scattercast_bad_address_sends_total', 'socket="tcp"'), BAD.length);
    assert.ok((await attacked.live.metric('scattercast_bad_address_sends_total', 'socket="udp"')) >= 3 * BAD.length, 'the probe timer did not try them');
    assert.equal(await attacked.live.metric('scattercast_callback_errors_total'), 0);
    assert.deepEqual(attacked.uncaught.errors, []);
  });
});
