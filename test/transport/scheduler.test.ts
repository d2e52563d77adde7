import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeDataPacket, type DataPacket } from '../../src/session/data-header.ts';
import { LinkScheduler } from '../../src/transport/scheduler.ts';
import { ServiceRegistry } from '../../src/transport/registry.ts';
import { forwardTcp, forwardUdp } from '../../src/services/forward/forward.ts';

function packet(seq: number, size: number): DataPacket {
  const header = { sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 's', sourceScx: 'x:1' };
  return encodeDataPacket(header, new Uint8Array(size));
}

describe('the per-link SFQ scheduler', () => {
  it('shares the link between backlogged classes by weight', () => {
    const s = new LinkScheduler({ weights: { base: 3, enhancement: 1 } });
    for (let i = 0; i < 400; i++) {
      s.enqueue(packet(i, 500), 'base');
      s.enqueue(packet(1000 + i, 500), 'enhancement');
    }
    const first = Array.from({ length: 400 }, () => s.dequeue() as DataPacket);
    const base = first.filter((p) => p.header.seq < 1000).length;
    assert.equal(s.length, 400);
    assert.ok(base >= 295 && base <= 305, `base got ${base} of 400 packets, expected 3:1`);
  });

  it('keeps FIFO order within a class and gives a class alone the whole link', () => {
    const s = new LinkScheduler();
    for (let i = 0; i < 10; i++) s.enqueue(packet(i, 100));
    assert.deepEqual(Array.from({ length: 10 }, () => s.dequeue()?.header.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(s.dequeue(), undefined);
  });

  it('refuses packets past its byte cap', () => {
    const s = new LinkScheduler({ maxQueueBytes: 1000 });
    let accepted = 0;
    for (let i = 0; i < 20; i++) if (s.enqueue(packet(i, 100))) accepted++;
    assert.ok(accepted > 0 && accepted < 20);
    assert.ok(s.queuedBytes <= 1000);
  });
});

describe('the service-module registry', () => {
  it('resolves announcement transport names and refuses unknown ones with ERR_TRANSPORT_UNSUPPORTED', () => {
    const r = new ServiceRegistry();
    r.register(forwardTcp);
    r.register(forwardUdp);
    assert.equal(r.resolve('TCP'), forwardTcp);
    assert.equal(r.resolve('udp'), forwardUdp);
    assert.throws(() => r.resolve('srm'), { code: 'ERR_TRANSPORT_UNSUPPORTED', message: /supported: forward, tcp, udp/ });
  });

  it('refuses a malformed user module and a name taken by another module', () => {
    const r = new ServiceRegistry();
    r.register(forwardTcp);
    assert.throws(() => r.register({ ...forwardUdp, names: ['tcp'] }), { code: 'ERR_MODULE_INVALID' });
    assert.throws(() => r.register({ names: [], dataTransport: 'tcp' } as never), { code: 'ERR_MODULE_INVALID' });
    assert.throws(() => r.register({ ...forwardTcp, dataTransport: 'sctp' } as never), { code: 'ERR_MODULE_INVALID' });
  });
});
