/** The multicast edge on loopback: packets reach a group member as they are; bad options and early sends are refused or counted. */

import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../../src/core/errors.ts';
import { RtpMulticastEdge } from '../../../../src/apps/musicast/edge/multicast-edge.ts';

const GROUP = '239.255.77.12';

/** A socket on loopback that joined GROUP, bound to an even port (the edge takes RTP ports only). */
async function member(): Promise<{ socket: Socket; port: number }> {
  for (let tries = 0; tries < 20; tries++) {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.bind(0);
    await once(socket, 'listening');
    const port = socket.address().port;
    if (port % 2 === 0) {
      socket.addMembership(GROUP, '127.0.0.1');
      return { socket, port };
    }
    socket.close();
  }
  throw new Error('no even port in 20 tries');
}

describe('RTP multicast edge', () => {
  it('sends each packet as it is to the group, counted', async () => {
    const { socket, port } = await member();
    const got: Buffer[] = [];
    socket.on('message', (m) => got.push(m));
    const edge = new RtpMulticastEdge({ interface: '127.0.0.1', group: GROUP, port });
    await edge.start();
    const packets = [Buffer.from('800e0001', 'hex'), Buffer.alloc(1200, 7), Buffer.from([0x80, 0x0e])];
    for (const p of packets) edge.send(p);
    const deadline = Date.now() + 2000;
    while (got.length < packets.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    edge.close();
    socket.close();
    assert.deepEqual(got, packets);
    assert.deepEqual(edge.counters, { packets: 3, bytes: 4 + 1200 + 2, dropped: 0, sendErrors: 0 });
  });

  it('drops, and counts, packets sent before start and after close; close twice is fine', async () => {
    const edge = new RtpMulticastEdge({ interface: '127.0.0.1', group: GROUP, port: 5004 });
    edge.send(Buffer.alloc(10));
    await edge.start();
    edge.close();
    edge.close();
    edge.send(Buffer.alloc(10));
    assert.deepEqual(edge.counters, { packets: 0, bytes: 0, dropped: 2, sendErrors: 0 });
  });

  it('refuses options out of range with ERR_CONFIG_INVALID', () => {
    const ok = { interface: '127.0.0.1', group: GROUP, port: 5004 };
    for (const bad of [
      { ...ok, interface: 'eth0' },
      { ...ok, group: '239.254.1.1' },
      { ...ok, group: '224.0.0.1' },
      { ...ok, group: '239.255.1' },
      { ...ok, port: 5005 },
      { ...ok, port: 0 },
      { ...ok, port: 65536 },
      { ...ok, ttl: 256 },
      { ...ok, ttl: -1 },
    ]) {
      assert.throws(() => new RtpMulticastEdge(bad), (err: Error & { code?: string }) => err.code === ErrorCode.CONFIG_INVALID, JSON.stringify(bad));
    }
  });

  it('start on an address this host does not have rejects with ERR_LISTEN_FAILED', async () => {
    const edge = new RtpMulticastEdge({ interface: '192.0.2.1', group: GROUP, port: 5004 });
    await assert.rejects(edge.start(), (err: Error & { code?: string }) => err.code === ErrorCode.LISTEN_FAILED);
    edge.send(Buffer.alloc(1));
    assert.equal(edge.counters.dropped, 1);
  });
});
