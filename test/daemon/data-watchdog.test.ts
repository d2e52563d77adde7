/**
 * The data watchdog on real loopback sockets: keepalives keep an idle data connection alive, a peer that goes
 * silent is reset within the bound (with a TCP reset, so what was queued is never delivered), and a stalled event
 * loop is not taken for a silent peer.
 */

import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { DataWatchdog, type WatchedLink } from '../../src/daemon/data-watchdog.ts';
import { FramedConnection } from '../../src/net/framed-connection.ts';

const SILENCE_MS = 600;
const KEEPALIVE_MS = 150;

/** A connected pair of sockets on loopback. */
async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const dialled = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => dialled.once('connect', resolve));
  const other = await accepted;
  server.close();
  return [dialled, other];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DataWatchdog', () => {
  const dogs: DataWatchdog[] = [];
  const socks: Socket[] = [];
  after(() => {
    for (const d of dogs) d.stop();
    for (const s of socks) s.destroy();
  });

  function dog(): { d: DataWatchdog; silent: WatchedLink[] } {
    const silent: WatchedLink[] = [];
    const d = new DataWatchdog({ silenceMs: SILENCE_MS, keepaliveMs: KEEPALIVE_MS, onSilent: (l) => silent.push(l) });
    d.start((fn) => fn);
    dogs.push(d);
    return { d, silent };
  }

  it('keeps an idle connection alive when both ends are watched', async () => {
    const [a, b] = await socketPair();
    socks.push(a, b);
    const { d, silent } = dog();
    const ca = new FramedConnection(a, () => undefined);
    const cb = new FramedConnection(b, () => undefined);
    d.watch(ca, { peer: 'b', sessionHex: 's', end: 'sender' });
    d.watch(cb, { peer: 'a', sessionHex: 's', end: 'receiver' });
    await sleep(4 * SILENCE_MS);
    assert.deepEqual(silent, []);
    assert.equal(ca.isClosed || cb.isClosed, false);
    assert.ok(a.bytesWritten > 0 && b.bytesWritten > 0, 'both ends wrote keepalives');
  });

  it('resets a connection whose peer went silent, within the bound', async () => {
    const [a, b] = await socketPair();
    socks.push(a, b);
    const { d, silent } = dog();
    let reason = '';
    const ca = new FramedConnection(a, (why) => (reason = why));
    const peerSaw = new Promise<string>((resolve) => {
      b.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      b.on('close', () => resolve('closed'));
    });
    const started = performance.now();
    d.watch(ca, { peer: 'b', sessionHex: 's', end: 'receiver' });
    b.resume(); // b reads but never writes: silent
    const code = await peerSaw;
    const took = performance.now() - started;
    assert.equal(code, 'ECONNRESET', 'the silent peer got a TCP reset');
    assert.ok(took >= SILENCE_MS && took < SILENCE_MS + 400, `reset after ${took.toFixed(0)} ms`);
    assert.deepEqual(silent, [{ peer: 'b', sessionHex: 's', end: 'receiver' }]);
    assert.equal(reason, 'data link silent');
    assert.deepEqual(d.silent, { sender: 0, receiver: 1 });
    assert.equal(d.size, 0);
  });

  it('does not take a stalled event loop for a silent peer', async () => {
    const [a, b] = await socketPair();
    socks.push(a, b);
    const { d, silent } = dog();
    const ca = new FramedConnection(a, () => undefined);
    d.watch(ca, { peer: 'b', sessionHex: 's', end: 'receiver' });
    // The peer writes on its own timer (another process would); this process then stalls for 3x the bound.
    const peerTimer = setInterval(() => b.write(Buffer.alloc(4)), 50);
    await sleep(200);
    const until = performance.now() + 3 * SILENCE_MS;
    while (performance.now() < until) {
      // busy: no timer, no read runs
    }
    await sleep(2 * SILENCE_MS);
    clearInterval(peerTimer);
    assert.deepEqual(silent, []);
    assert.equal(ca.isClosed, false);
  });
});
