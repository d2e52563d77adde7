/**
 * 20,000 connections each holding a partial frame used to take 1.8 GB, never released, while legitimate peers got
 * ECONNRESET. Now a connection past `connectionsPerIp`, `connectionsTotal` or `pendingHandshakes` is destroyed at
 * accept, before a byte of it is read, and one without a hello is closed after `helloDeadlineMs` (a trickle of bytes
 * does not keep it open). This floods a live node from many loopback addresses with connections that send nothing,
 * most of a frame, or a data, sender's or receiver's hello then most of a frame (a sender without a source token is
 * refused at once, docs/security.md; receivers stay open and hold), and checks that the node serves its client through the flood,
 * counts each refusal by reason, stays within a memory bound computed from its limits, and takes new clients after.
 */

import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { attachChannel } from '../../src/client/channel-client.ts';
import { Random } from '../../src/core/random.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { MAX_FRAME_BYTES } from '../../src/net/framed-connection.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { encodeFrames } from '../../src/net/frame-decoder.ts';
import { startLiveNode, type LiveNode } from '../support/live-node.ts';
import { holdTcp, type HeldConnection } from '../support/raw-peer.ts';
import { testSeed } from '../support/seed.ts';
import { watchUncaught, type UncaughtWatch } from '../support/uncaught.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The node's limits here: small, so that a few thousand connections reach every one of them. */
const LIMITS = { connectionsPerIp: 100, connectionsTotal: 300, pendingHandshakes: 50, helloDeadlineMs: 1000 };
const FLOOD = 3000;
/** The flood comes from this many loopback addresses, 127.0.0.2 and up. */
const ATTACKERS = 20;
/** Connections opened at once, a wave at a time: in the bulk of the flood, and where each hello must be read before the next wave. */
const WAVE = 100;
const SMALL_WAVE = 10;
/** A partial frame announces this many bytes and sends most of them. */
const ANNOUNCED = 65_000;
const SENT = 60_000;
/**
 * What an accepted connection may cost the node at most: its one partial frame (up to MAX_FRAME_BYTES) and its
 * socket and framing objects; and what each flood socket costs this process on the attacker's side (the attack
 * runs in the test's own process), bytes.
 */
const PER_ACCEPTED_BYTES = MAX_FRAME_BYTES + 16 * 1024;
const PER_ATTACKER_SOCKET_BYTES = 8 * 1024;
/** Room for the rest: the scrapes, the timers, V8's own, bytes. */
const SLACK_BYTES = 16 * 1024 * 1024;
const MIB = 1024 * 1024;
/** What the process's resident size may grow past the live bytes' bound: pages V8 and the allocator keep after a collection, bytes. */
const RSS_SLACK_BYTES = 64 * MIB;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The JS heap and the Buffers' memory after full collections a moment apart, bytes (not the runtime's other external memory). */
async function liveBytes(): Promise<number> {
  gc();
  await sleep(200);
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A frame's length prefix announcing ANNOUNCED bytes, and SENT of them. */
function partialFrame(): Buffer {
  const b = Buffer.alloc(4 + SENT, 0x41);
  b.writeUInt32BE(ANNOUNCED, 0);
  return b;
}

describe('a flood of connections', { timeout: 120_000 }, () => {
  let live: LiveNode;
  let uncaught: UncaughtWatch;

  before(async () => {
    uncaught = watchUncaught();
    live = await startLiveNode(1000, LIMITS);
  });

  // What `before` started, even when it failed half way (a handle left open would keep the file from ending).
  after(async () => {
    uncaught?.stop();
    await live?.stop();
  });

  it('is refused at accept by reason, held within a memory bound, and the node serves on and takes new clients after', async (t) => {
    const random = new Random(testSeed(t, 20261207));
    const next = (): number => random.nextUint32();
    const partial = partialFrame();
    const id = live.session.id;
    const afterHello = (hello: Uint8Array): Buffer => Buffer.concat([encodeFrames([hello]), partial]);
    const kinds = [
      Buffer.alloc(0),
      partial,
      afterHello(encodeHello({ kind: 'data', from: '127.0.0.9:9', sessionId: id, channel: 1 })),
      afterHello(encodeHello({ kind: 'client', from: 'flood', sessionId: id, channel: 1, role: 'send' })),
      afterHello(encodeHello({ kind: 'client', from: 'flood', sessionId: id, channel: 1, role: 'receive' })),
    ];
    const open0 = await live.metric('scattercast_accepted_connections');
    const ips0 = await live.metric('scattercast_accepted_connection_ips');
    const before = await liveBytes();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();

    const held: HeldConnection[] = [];
    t.after(() => held.forEach((h) => h.socket.destroy()));
    /** Opens `n` connections, `wave` at a time, the i-th from attacker `ip(i)`, each sending `bytes()`; returns them. */
    const flood = async (n: number, wave: number, ip: (i: number) => number, bytes: () => Buffer): Promise<HeldConnection[]> => {
      const opened: HeldConnection[] = [];
      for (let i = 0; i < n; i += wave) {
        const w = Array.from({ length: Math.min(wave, n - i) }, (_, k) => holdTcp(live.port, bytes(), `127.0.0.${2 + ip(i + k)}`));
        await Promise.all(w.map((h) => new Promise((r) => h.socket.once('connect', r).once('close', r))));
        opened.push(...w);
      }
      held.push(...opened);
      return opened;
    };
    const [silent, , , , holding] = kinds as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const pendingPhase = 4 * LIMITS.pendingHandshakes;
    const perIpPhase = LIMITS.connectionsPerIp + 50;
    const totalPhase = LIMITS.connectionsTotal;
    // Silent connections all at once: past the pending limit; then, once they are closed, more than the per-IP limit
    // from one address and more than the total from the others, each sending its hello; then the bulk, at random.
    await Promise.all((await flood(pendingPhase, pendingPhase, (i) => 1 + (i % (ATTACKERS - 1)), () => silent)).map((h) => h.closed));
    await flood(perIpPhase, SMALL_WAVE, () => 0, () => holding);
    await flood(totalPhase, SMALL_WAVE, (i) => 1 + (i % (ATTACKERS - 1)), () => holding);
    await flood(FLOOD - pendingPhase - perIpPhase - totalPhase, WAVE, () => next() % ATTACKERS, () => kinds[next() % kinds.length] as Buffer);
    const openedMs = performance.now() - started;
    await live.serves();
    const during = (await liveBytes()) - before;
    const rssDuring = process.memoryUsage().rss - rssBefore;
    const open = await live.metric('scattercast_accepted_connections');
    const refused = {
      per_ip: await live.metric('scattercast_connections_refused_total', 'reason="per_ip"'),
      total: await live.metric('scattercast_connections_refused_total', 'reason="total"'),
      pending_handshakes: await live.metric('scattercast_connections_refused_total', 'reason="pending_handshakes"'),
    };
    const bound = LIMITS.connectionsTotal * PER_ACCEPTED_BYTES + FLOOD * PER_ATTACKER_SOCKET_BYTES + SLACK_BYTES;
    t.diagnostic(`${FLOOD} connections opened in ${Math.round(openedMs)} ms; ${open} accepted open; refused ${JSON.stringify(refused)}`);
    t.diagnostic(`memory growth under the flood: heap+buffers ${(during / MIB).toFixed(1)} MiB (bound ${(bound / MIB).toFixed(1)}), rss ${(rssDuring / MIB).toFixed(1)} MiB (bound ${((bound + RSS_SLACK_BYTES) / MIB).toFixed(1)})`);

    assert.ok(open <= LIMITS.connectionsTotal, `${open} accepted connections open, over the total`);
    for (const [reason, n] of Object.entries(refused)) assert.ok(n > 0, `no connection refused for ${reason}`);
    assert.ok(during <= bound, `the flood took ${(during / MIB).toFixed(1)} MiB, over ${(bound / MIB).toFixed(1)} MiB`);
    assert.ok(rssDuring <= bound + RSS_SLACK_BYTES, `the resident size grew ${(rssDuring / MIB).toFixed(1)} MiB`);

    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    const deadline = performance.now() + 5000;
    while ((await live.metric('scattercast_accepted_connections')) > open0) {
      assert.ok(performance.now() < deadline, 'the flood connections were not released');
      await sleep(50);
    }
    assert.equal(await live.metric('scattercast_accepted_connection_ips'), ips0, 'the flood addresses are still counted');
    let received = 0;
    const client = attachChannel(joinHere(live.running.node, live.session.announcement), 1, 'receive', () => void received++);
    try {
      const until = performance.now() + 5000;
      while (received < 20) {
        assert.ok(performance.now() < until, `a new client got ${received} of 20 packets after the flood`);
        await sleep(20);
      }
    } finally {
      client.close();
    }
    await live.serves();
    assert.equal(await live.metric('scattercast_callback_errors_total'), 0);
    assert.deepEqual(uncaught.errors, []);
  });

  it('closes a connection without a hello after helloDeadlineMs, even one that trickles bytes', async (t) => {
    await live.serves();
    const silent = Array.from({ length: LIMITS.pendingHandshakes - 10 }, (_, i) => holdTcp(live.port, new Uint8Array(0), `127.0.1.${1 + (i % 10)}`));
    const trickle = holdTcp(live.port, Uint8Array.of(0, 0, 1, 0), '127.0.2.1');
    const drip = setInterval(() => trickle.socket.write(Uint8Array.of(0x41)), LIMITS.helloDeadlineMs / 10);
    try {
      const times = await Promise.all([...silent, trickle].map((h) => h.closed));
      const [min, max] = [Math.min(...times), Math.max(...times)];
      t.diagnostic(`${times.length} connections without a hello closed after ${Math.round(min)}–${Math.round(max)} ms (deadline ${LIMITS.helloDeadlineMs} ms)`);
      assert.ok(min >= LIMITS.helloDeadlineMs - 50, `one closed after ${min} ms, before the deadline`);
      assert.ok(max <= LIMITS.helloDeadlineMs + 500, `one closed after ${max} ms`);
    } finally {
      clearInterval(drip);
    }
    assert.equal(await live.metric('scattercast_pending_handshakes'), 0);
    await live.serves();
  });
});
