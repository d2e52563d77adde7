/**
 * 1,000 `/v1/live` clients that never read, against a node hosting 4,000 sessions, used to make the admin server
 * unresponsive for over 10 s: every page got its own copy of each snapshot and kept up to 1 MiB of them queued
 * for ever. Now at most `limits.liveClients` pages are open at once (the rest are refused with 503), the snapshot
 * is encoded once for all of them, and a page holding more than `limits.liveSendBufferBytes` is cut off. This
 * opens 300 non-reading clients (a raw WebSocket handshake, then the socket paused) against a node hosting 1,000
 * sessions, with the default limits, beside one dashboard that reads, and checks that `/v1/health` answers
 * within 1 s all along, that the clients past the cap are refused, that every non-reader is cut, that the
 * reader is not, and that the process's memory grows by a bounded amount.
 */

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ErrorCode } from '../../src/core/errors.ts';
import { startAdminServer, type AdminServer } from '../../src/daemon/admin-server.ts';
import { DEFAULT_NODE_LIMITS } from '../../src/daemon/limits.ts';
import { createLogger } from '../../src/daemon/log.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { nodeSnapshot } from '../../src/daemon/node-snapshot.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { AdminClient } from '../../src/net/admin-client.ts';
import { freePort } from '../../src/net/free-port.ts';
import { parseAnnouncement } from '../../src/session/announcement.ts';

/** Sessions the node hosts: about 335 bytes each in a snapshot, so a snapshot of about 330 KB a second. */
const SESSIONS = 1000;
/** Non-reading clients the attack opens. */
const ATTACKERS = 300;
/** Clients opened at once while the attack ramps up. */
const BATCH = 50;
/** Slowest `/v1/health` answer allowed during the attack, ms. */
const HEALTH_BOUND_MS = 1000;
/** Time between two `/v1/health` asks, ms. */
const HEALTH_EVERY_MS = 50;
/** How long the non-readers may take to be cut, ms: the kernel's socket buffers fill first, then 1 MiB of queue. */
const CUT_WITHIN_MS = 45_000;
/** Time between two scrapes of /metrics while waiting for the cuts, ms (a scrape of 1,000 sessions takes 100-400 ms itself). */
const METRICS_EVERY_MS = 1000;
/**
 * Growth of the process's buffers allowed from before the attack to its peak, bytes: what is queued to the pages.
 * A copy of each snapshot per page would be up to liveClients x (liveSendBufferBytes + a snapshot), about 85 MiB
 * here; one copy for all of them is a few snapshots.
 */
const QUEUE_BOUND_BYTES = 32 * 1024 * 1024;
/** Growth of the process's resident memory allowed, bytes (the heap of 1,000 busy sessions and 300 handshakes included). */
const RSS_BOUND_BYTES = 300 * 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client that opens `/v1/live` and never reads a frame: resolves with the handshake's status and body. */
function nonReader(port: number): Promise<{ status: number; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => reject(new Error('no answer to the upgrade in 5 s')), 5000);
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      socket.write(
        'GET /v1/live HTTP/1.1\r\nhost: 127.0.0.1\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
          'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n',
      ),
    );
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      clearTimeout(timer);
      resolve({ status: Number(head.slice(9, 12)), body: head.slice(end + 4), socket });
    };
    socket.on('data', onData);
  });
}

/** What a watch of `/v1/health` saw. */
interface HealthSeen {
  /** Slowest answer, ms. */
  slowestMs: number;
  /** Asks made. */
  asked: number;
  /** Asks not answered 200 in 5 s. */
  failures: string[];
}

/** Asks `/v1/health` every HEALTH_EVERY_MS until stopped. */
function watchHealth(base: string): { stop(): Promise<HealthSeen> } {
  const seen: HealthSeen = { slowestMs: 0, asked: 0, failures: [] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const start = performance.now();
      try {
        const res = await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(5000) });
        await res.json();
        if (res.status !== 200) seen.failures.push(`HTTP ${res.status}`);
      } catch (err) {
        seen.failures.push((err as Error).message);
      }
      seen.slowestMs = Math.max(seen.slowestMs, performance.now() - start);
      seen.asked++;
      await sleep(HEALTH_EVERY_MS);
    }
    return seen;
  })();
  return {
    stop() {
      stopped = true;
      return loop;
    },
  };
}

/** The peak growth of the process's memory from now until stopped, sampled every 100 ms, bytes. */
function watchMemory(): { stop(): { rss: number; arrayBuffers: number } } {
  const before = process.memoryUsage();
  const peak = { rss: 0, arrayBuffers: 0 };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - before.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - before.arrayBuffers);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

describe('non-reading /v1/live clients against a node with many sessions', { timeout: 120_000 }, () => {
  let node: ScxNode;
  let admin: AdminServer;
  let adminPort = 0;
  const sockets: Socket[] = [];

  before(async () => {
    const port = await freePort();
    node = new ScxNode({ listen: { host: '127.0.0.1', port }, gossamer: {}, seed: 1, registry: builtinRegistry(), log: createLogger('error', {}) });
    await node.start();
    for (let i = 0; i < SESSIONS; i++) {
      node.join(parseAnnouncement(`<SCATTERCAST name="scast://security.scattercast/s${i}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>127.0.0.1:${port}</RENDEZVOUS></SCATTERCAST>`));
    }
    adminPort = await freePort();
    const clusterToken = 'live-clients-test-token';
    const client = new AdminClient({ token: clusterToken, ca: undefined });
    admin = await startAdminServer(node, { host: '127.0.0.1', port: adminPort }, { cluster: null, snapshot: () => nodeSnapshot(node, undefined, null, client), clusterToken, log: () => undefined });
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    admin.close();
    await node.stop();
  });

  it('keeps /v1/health within 1 s, refuses clients past the cap, cuts the non-readers and not the reader', async (t) => {
    const { liveClients, liveSendBufferBytes } = DEFAULT_NODE_LIMITS;
    const base = `http://127.0.0.1:${adminPort}`;
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    };
    // One dashboard that reads.
    const reader = new WebSocket(`ws://127.0.0.1:${adminPort}/v1/live`);
    let snapshots = 0;
    reader.on('message', () => void snapshots++);
    await new Promise<void>((resolve, reject) => {
      reader.once('open', () => resolve());
      reader.once('error', reject);
    });
    const calm = watchHealth(base);
    await sleep(2000);
    const quiet = await calm.stop();
    const memory = watchMemory();
    const health = watchHealth(base);
    const accepted = liveClients - 1;
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    let cut = 0;
    let cutMs = 0;
    let snapshotsDuring = 0;
    let grew = { rss: 0, arrayBuffers: 0 };
    try {
      // The attack.
      for (let i = 0; i < ATTACKERS; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: Math.min(BATCH, ATTACKERS - i) }, () => nonReader(adminPort)));
        for (const c of batch) {
          sockets.push(c.socket);
          statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
          if (c.status !== 101) codes.add((JSON.parse(c.body) as { error: { code: string } }).error.code);
        }
      }
      assert.deepEqual(Object.fromEntries(statuses), { 101: accepted, 503: ATTACKERS - accepted }, 'the reader and liveClients - 1 non-readers are in');
      assert.deepEqual([...codes], [ErrorCode.LIMIT_LIVE_CLIENTS]);
      // Every non-reader is cut once it holds more than liveSendBufferBytes; the reader is not.
      const attackStart = performance.now();
      while ((cut = await metric('scattercast_live_clients_cut_total')) < accepted) {
        assert.ok(performance.now() - attackStart < CUT_WITHIN_MS, `${cut} of ${accepted} non-readers cut in ${CUT_WITHIN_MS} ms`);
        await sleep(METRICS_EVERY_MS);
      }
      cutMs = performance.now() - attackStart;
      snapshotsDuring = snapshots;
      await sleep(2500);
    } finally {
      grew = memory.stop();
    }
    const seen = await health.stop();
    t.diagnostic(
      `${SESSIONS} sessions, ${ATTACKERS} non-readers (${accepted} in, limit ${liveClients}, ${liveSendBufferBytes} B each): ` +
        `all cut after ${Math.round(cutMs)} ms; /v1/health slowest ${seen.slowestMs.toFixed(1)} ms of ${seen.asked} ` +
        `(${quiet.slowestMs.toFixed(1)} ms before the attack); ` +
        `memory at peak: RSS +${(grew.rss / 1048576).toFixed(1)} MiB, buffers +${(grew.arrayBuffers / 1048576).toFixed(1)} MiB`,
    );
    assert.equal(cut, accepted, 'the non-readers, and nobody else, were cut');
    assert.equal(reader.readyState, WebSocket.OPEN, 'the dashboard that reads stays');
    assert.ok(snapshots > snapshotsDuring, 'and still gets snapshots after the attack');
    assert.ok(snapshotsDuring >= Math.floor(cutMs / 1000) - 1, `the reader got ${snapshotsDuring} snapshots in ${Math.round(cutMs)} ms of attack`);
    assert.equal(await metric('scattercast_live_clients_refused_total'), ATTACKERS - accepted);
    assert.equal(await metric('scattercast_live_clients'), 1);
    const again = await nonReader(adminPort);
    sockets.push(again.socket);
    assert.equal(again.status, 101, 'the slots of the cut clients are free again');
    assert.deepEqual(seen.failures, [], '/v1/health always answered 200');
    assert.ok(seen.asked > 10, `/v1/health asked ${seen.asked} times`);
    assert.ok(seen.slowestMs < HEALTH_BOUND_MS, `/v1/health took ${seen.slowestMs.toFixed(0)} ms at worst`);
    assert.ok(grew.arrayBuffers < QUEUE_BOUND_BYTES, `buffers grew by ${grew.arrayBuffers} bytes`);
    assert.ok(grew.rss < RSS_BOUND_BYTES, `RSS grew by ${grew.rss} bytes`);
  });
});
