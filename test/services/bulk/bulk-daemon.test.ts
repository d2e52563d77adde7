/**
 * The bulk module in the real daemon: 4 ScxNodes in this process over loopback, a signed session whose channel's
 * transport is `bulk`, a real file sender attached to node 0 (with a source token) and real file receivers over the
 * client control path. One receiver takes the file from the start; one has its connection cut a third of the way and
 * attaches again; one joins after the sender has finished. Every file's SHA-256 must match, the late and cut ones
 * must be repaired from their own SCX's cache (not the source). A second file through nodes whose caches are too
 * small to hold it makes the source SCX ask the sender itself.
 */

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildManifest } from '../../../src/client/file-manifest.ts';
import { receiveFile } from '../../../src/client/file-receiver.ts';
import { sendFile } from '../../../src/client/file-sender.ts';
import { Random } from '../../../src/core/random.ts';
import { joinHere } from '../../../src/daemon/local-join.ts';
import { encodeFrames } from '../../../src/net/frame-decoder.ts';
import { encodeHello } from '../../../src/net/hello.ts';
import { parseAddress } from '../../../src/net/address.ts';
import { builtinRegistry } from '../../../src/daemon/module-loader.ts';
import { ScxNode } from '../../../src/daemon/scx-node.ts';
import type { SessionRuntime } from '../../../src/daemon/session-runtime.ts';
import { BulkModule, bulkFactory } from '../../../src/services/bulk/bulk.ts';
import { parseAnnouncement } from '../../../src/session/announcement.ts';
import { parseSessionName } from '../../../src/session/name.ts';
import { ServiceRegistry } from '../../../src/transport/registry.ts';
import { rawPublicKey } from '../../../src/trust/credential.ts';
import { testCreator } from '../../support/creator.ts';
import { testSeed } from '../../support/seed.ts';
import { sleep, startSteadyNode, until } from '../../support/steady-nodes.ts';

const N = 4;
const CHANNEL = 1;
/** A registry whose `bulk` caches at most `cacheBytes` (the built-in modules otherwise). */
function registry(cacheBytes?: number): ServiceRegistry {
  if (cacheBytes === undefined) return builtinRegistry();
  const r = new ServiceRegistry();
  r.register(bulkFactory({ cacheBytes }));
  return r;
}

/** A session of 4 nodes over one bulk channel, node 0 the rendezvous; its module at node i, and the tree ready. */
function bulkSession(label: string, cacheBytes?: number) {
  const creator = testCreator();
  const name = creator.name(label);
  const nodes: ScxNode[] = [];
  const sessions: SessionRuntime[] = [];
  const dirs: string[] = [];
  before(async () => {
    const reg = registry(cacheBytes);
    for (let i = 0; i < N; i++) nodes.push(await startSteadyNode(i, reg));
    const xml = creator.sign(`<SCATTERCAST name="${name}"><CHANNEL id="${CHANNEL}"><TRANSPORT unicast="bulk"/></CHANNEL><RENDEZVOUS>${nodes[0]!.self}</RENDEZVOUS></SCATTERCAST>`);
    const announcement = parseAnnouncement(xml);
    for (const n of nodes) sessions.push(n.join(announcement));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    creator,
    name,
    nodes,
    sessions,
    module: (i: number) => sessions[i]!.channels.get(CHANNEL)!.runtime.module as BulkModule,
    answer: (i: number) => joinHere(nodes[i]!, sessions[i]!.announcement),
    dir: (): string => {
      const d = mkdtempSync(join(tmpdir(), 'sc-bulk-'));
      dirs.push(d);
      return d;
    },
    /** Waits until every node has a route to node 0 (the source) once it sends. */
    treeReady: () => until('the source tree to cover every node', 15_000, () => sessions.every((s, i) => i === 0 || s.gossamer.upstream(nodes[0]!.self) !== undefined)),
  };
}

function randomFile(dir: string, bytes: number, seed: number): string {
  const r = new Random(seed);
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = r.int(256);
  const path = join(dir, 'payload.bin');
  writeFileSync(path, data);
  return path;
}

describe('bulk file distribution in the daemon, over loopback', { timeout: 60_000 }, () => {
  const s = bulkSession('bulk');

  it('every receiver gets the file (SHA-256 matches); a cut and a late receiver are repaired from their own SCX', async (t) => {
    const seed = testSeed(t, 13);
    const src = s.dir();
    const path = randomFile(src, 3 * 1024 * 1024 + 12_345, seed);
    const session = parseSessionName(s.name);
    const manifest = await buildManifest(path, s.creator.key);
    const early = receiveFile(s.answer(1), CHANNEL, session, s.dir());
    const cut = receiveFile(s.answer(2), CHANNEL, session, s.dir(), { onProgress: (have, total) => have === Math.floor(total / 3) && cut.attachment.close() });
    const sender = await sendFile(s.answer(0), CHANNEL, path, manifest, { credential: s.creator.token(s.name), window: 8 });
    await s.treeReady();
    await sender.sent;
    const late = receiveFile(s.answer(3), CHANNEL, session, s.dir());
    const want = readFileSync(path);
    for (const [who, r] of [['early', early], ['cut', cut], ['late', late]] as const) {
      const f = await Promise.race([r.done, sleep(15_000).then(() => assert.fail(`${who} ${JSON.stringify(r.counts)} ${JSON.stringify([0, 1, 2, 3].map((i) => s.module(i).counters()))}`))]);
      assert.ok(readFileSync(f.path).equals(want), `${who}: the file differs`);
      t.diagnostic(`${who}: ${JSON.stringify(r.counts)}`);
    }
    assert.ok(cut.counts.attaches >= 2, 'the cut receiver attached again');
    assert.ok(cut.counts.repairs > 0 && late.counts.repairs > 0, 'the cut and late receivers were repaired');
    const m = [0, 1, 2, 3].map((i) => s.module(i).stats);
    t.diagnostic(`module stats: ${JSON.stringify(m)}`);
    assert.ok(m[2]!.repairsToClients > 0 && m[3]!.repairsToClients > 0, 'repairs came from the receivers’ own SCXs');
    assert.equal(m[0]!.wantsToSender, 0, 'nothing was asked of the sender: every cache had the file');
    assert.equal(sender.resent, 0);
    sender.close();
  });

  it('refuses a manifest signed by a key the session name is not bound to', async (t) => {
    const src = s.dir();
    const path = randomFile(src, 100_000, testSeed(t, 14));
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await buildManifest(path, privateKey);
    const r = receiveFile(s.answer(1), CHANNEL, parseSessionName(s.name), s.dir(), { stallMs: 100 });
    const sender = await sendFile(s.answer(0), CHANNEL, path, forged, { credential: s.creator.token(s.name) });
    await sender.sent;
    await until('the forged manifest to be refused', 5000, () => r.counts.refused > 0);
    assert.equal(r.counts.chunks, 0, 'no chunk of an untrusted file was taken');
    const trusting = receiveFile(s.answer(1), CHANNEL, parseSessionName(s.name), s.dir(), { trustedKey: rawPublicKey(privateKey) });
    assert.ok(readFileSync((await trusting.done).path).equals(readFileSync(path)), 'a receiver given the key takes it');
    r.close();
    sender.close();
  });
});

describe('hostile bytes on the client control path', { timeout: 30_000 }, () => {
  const s = bulkSession('hostile');

  it('are refused and counted: unknown frame types at the node, undecodable control bytes at the module', async () => {
    const node = s.nodes[1]!;
    const { host, port } = parseAddress(node.self);
    const socket = connect({ host, port });
    const hello = encodeHello({ kind: 'client', from: 'hostile', sessionId: s.sessions[1]!.id, channel: CHANNEL, role: 'receive', control: true });
    // A payload from a receiver, an unknown type, an empty frame, then control bytes that are no bulk message.
    socket.write(encodeFrames([hello, Uint8Array.of(0, 1, 2), Uint8Array.of(0x55, 1), new Uint8Array(0), Uint8Array.of(0xc7, 99, 1, 2), Uint8Array.of(0xc7, 34, 1)]));
    await until('the node to count the frames', 5000, () => node.clients.control.malformed >= 3 && s.module(1).stats.malformed >= 2);
    assert.equal(node.clients.control.malformed, 3);
    assert.equal(s.module(1).stats.malformed, 2);
    assert.equal(node.counters.sessionsFailed, 0);
    socket.destroy();
  });
});

describe('bulk with caches too small for the file: the source SCX asks the sender', { timeout: 60_000 }, () => {
  const s = bulkSession('small-cache', 512 * 1024);

  it('a late receiver still gets every chunk, the missing ones from the sender', async (t) => {
    const path = randomFile(s.dir(), 2 * 1024 * 1024, testSeed(t, 15));
    const manifest = await buildManifest(path, s.creator.key);
    const sender = await sendFile(s.answer(0), CHANNEL, path, manifest, { credential: s.creator.token(s.name) });
    await s.treeReady();
    await sender.sent;
    const late = receiveFile(s.answer(3), CHANNEL, parseSessionName(s.name), s.dir());
    assert.ok(readFileSync((await late.done).path).equals(readFileSync(path)));
    const m0 = s.module(0).stats;
    t.diagnostic(`late: ${JSON.stringify(late.counts)}; source SCX: ${JSON.stringify(m0)}; resent by the sender ${sender.resent}`);
    assert.ok(m0.wantsToSender > 0 && sender.resent > 0, 'the source SCX asked the sender');
    assert.ok(s.module(3).cache.bytes <= 512 * 1024, 'the cache kept its bound');
    sender.close();
  });
});
