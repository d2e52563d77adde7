/**
 * Node links are mutual TLS under the overlay, and a link's peer is the node its certificate proves. Each attack
 * that worked before links were authenticated is tried on a live secure node: a hello naming another node (it took
 * over the control link to that node), a control or data hello in plaintext (a stranger injected data as an
 * upstream), a certificate the overlay never signed, a dialled address answered by another node, and UDP data
 * without a valid tag. Each is refused and counted by code, delivers nothing, and the node serves on.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { after, describe, it } from 'node:test';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { MessageType } from '../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../src/net/control-frame.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { UdpType } from '../../src/net/udp-endpoint.ts';
import { encodeDataPacket } from '../../src/session/data-header.ts';
import { loadOverlay } from '../../src/trust/overlay.ts';
import { attackedNode } from '../support/live-node.ts';
import { memberCredentials } from '../support/member.ts';
import { sendTcpFrames, UdpSender } from '../support/raw-peer.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A source name no real client uses: packets carrying it are the forger's. */
const FORGER = 'forger';

describe('authenticated node links', { timeout: 60_000 }, () => {
  const attacked = attackedNode(200, {}, 2);
  /** An overlay the node does not trust: what a stranger's credentials come from. */
  const strangerDir = mkdtempSync(join(tmpdir(), 'sc-stranger-overlay-'));
  const stranger = loadOverlay(strangerDir, true);
  after(() => rmSync(strangerDir, { recursive: true, force: true }));
  let forgedDelivered = 0;
  const refused = (code: string): number => attacked.live.running.node.tcp.refusedHellos.get(code) ?? 0;
  const forgedPacket = (sourceScx: string): Uint8Array =>
    encodeDataPacket({ sessionId: attacked.live.session.id, channel: 1, seq: 1, timestampMs: 1, source: FORGER, sourceScx }, new Uint8Array(64)).bytes;

  it('refuses a control hello naming another node than the certificate proves, and learns nothing from it', async () => {
    attacked.live.running.node.onDelivery((_s, _c, p) => void (p.header.source === FORGER && forgedDelivered++));
    const [a, b] = attacked.sinks.addresses as [string, string];
    const discovery = encodeMessage({ type: MessageType.DISCOVERY, known: [b], digest: new Uint8Array() });
    const before = refused('ERR_PEER_ID_MISMATCH');
    await sendTcpFrames(attacked.live.port, [encodeHello({ kind: 'control', from: a }), gossamerFrame(attacked.live.session.id, discovery)], b);
    assert.equal(refused('ERR_PEER_ID_MISMATCH'), before + 1);
    assert.equal(attacked.live.session.gossamer.membership.has(b), false, 'the node learned from a refused link');
    // The same member naming itself is taken: the check can pass.
    await sendTcpFrames(attacked.live.port, [encodeHello({ kind: 'control', from: b }), gossamerFrame(attacked.live.session.id, discovery)], b);
    await sleep(100);
    assert.equal(attacked.live.session.gossamer.membership.has(b), true, 'a member naming itself was not heard');
  });

  it('refuses control and data hellos in plaintext, and data claiming an upstream is never delivered', async () => {
    const [a] = attacked.sinks.addresses as [string];
    const before = refused('ERR_PEER_PLAINTEXT');
    await sendTcpFrames(attacked.live.port, [encodeHello({ kind: 'control', from: a })]);
    const data = encodeHello({ kind: 'data', from: a, sessionId: attacked.live.session.id, channel: 1 });
    await sendTcpFrames(attacked.live.port, [data, ...Array.from({ length: 50 }, () => forgedPacket(a))]);
    assert.equal(refused('ERR_PEER_PLAINTEXT'), before + 2);
    await attacked.live.serves();
    assert.equal(forgedDelivered, 0);
  });

  it('refuses a certificate another overlay issued', async () => {
    const [a] = attacked.sinks.addresses as [string];
    const before = refused('ERR_PEER_CREDENTIAL_FORGED');
    const frames = [encodeHello({ kind: 'data', from: a, sessionId: attacked.live.session.id, channel: 1 }), forgedPacket(a)];
    await sendTcpFrames(attacked.live.port, frames, memberCredentials(a, stranger));
    assert.equal(refused('ERR_PEER_CREDENTIAL_FORGED'), before + 1);
    assert.equal(forgedDelivered, 0);
  });

  it('sends nothing to a dialled address answered by another node, nor by a stranger', async () => {
    const node = attacked.live.running.node;
    for (const [code, creds] of [
      ['ERR_PEER_ID_MISMATCH', memberCredentials('127.0.0.1:1')],
      ['ERR_PEER_CREDENTIAL_FORGED', memberCredentials('x', stranger)],
    ] as const) {
      let bytes = 0;
      const impostor = createTlsServer({ ...creds, requestCert: true, rejectUnauthorized: false }, (s) => {
        s.on('data', (d: Buffer) => (bytes += d.length));
        s.on('error', () => undefined);
      });
      await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
      const address = `127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      const before = refused(code);
      node.tcp.sendControl(address, gossamerFrame(attacked.live.session.id, encodeMessage({ type: MessageType.KEEPALIVE })));
      const deadline = performance.now() + 3000;
      while (refused(code) === before && performance.now() < deadline) await sleep(20);
      impostor.close();
      assert.equal(refused(code), before + 1, `${code} not counted`);
      assert.equal(bytes, 0, 'the node sent bytes to a peer that did not prove to be the node dialled');
    }
  });

  it('drops UDP data without a valid tag', async () => {
    const node = attacked.live.running.node;
    const udp = new UdpSender(attacked.live.port);
    const before = node.udp.unauthenticated;
    const packet = forgedPacket(attacked.sinks.addresses[0] as string);
    const datagram = Buffer.concat([Buffer.of(UdpType.DATA), packet]);
    for (let i = 0; i < 20; i++) await udp.send(i % 2 ? datagram : Buffer.concat([datagram, Buffer.alloc(16)]));
    udp.close();
    await sleep(200);
    assert.equal(node.udp.unauthenticated, before + 20);
    assert.equal(forgedDelivered, 0);
    await attacked.live.serves();
    assert.equal(node.guard.caught, 0);
    assert.deepEqual(attacked.uncaught.errors, []);
  });
});
