/**
 * A cluster of three node processes behind one frontend, on loopback: the frontend (in this process, with the
 * cluster's prober) places the session on its rendezvous member, the members share the prober's probe module,
 * and when the hosting member is killed (kill -9), the frontend moves the session to the next member and the
 * client, tuned in, is served again there.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { askFrontend } from '../../src/client/frontend-client.ts';
import { attachSender } from '../../src/client/staying-sender.ts';
import { tuneIn, type TunedIn } from '../../src/client/tune-in.ts';
import { nodeConfig } from '../../src/daemon/node-config.ts';
import { rendezvousOrder } from '../../src/cluster/rendezvous.ts';
import { runNode, type RunningNode } from '../../src/daemon/run-node.ts';
import { SharedProbe } from '../../src/cluster/shared-probe.ts';
import type { NodeView as StateView } from '../../src/dashboard/snapshot.ts';
import { parseAnnouncement } from '../../src/session/announcement.ts';
import { payloadOf } from '../../src/session/data-header.ts';
import { sessionIdHex } from '../../src/session/name.ts';
import { freePort } from '../../src/net/free-port.ts';
import { tokenHeaders } from '../support/cluster-token.ts';
import { testCreator } from '../support/creator.ts';
import { sequenceDefects } from '../support/sequence.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - start;
}

describe('a cluster of several nodes behind one frontend', { timeout: 120_000 }, () => {
  let dir = '';
  let frontendNode: RunningNode;
  const procs = new Map<string, ChildProcess>();
  const members: Array<{ scx: string; admin: string }> = [];
  let source: RunningNode;
  let frontend = '';
  let name = '';
  let xml = '';
  let client: TunedIn | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-cluster-'));
    for (let i = 0; i < 3; i++) members.push({ scx: `127.0.0.1:${await freePort()}`, admin: `127.0.0.1:${await freePort()}` });
    const b0 = members[0]!.scx;
    // A session name whose rendezvous member is not the frontend's own node, so that member can be stopped.
    for (let k = 0; ; k++) {
      name = `scast://test.scattercast/cluster-${k}`;
      if (rendezvousOrder(sessionIdHex(name), members.map((m) => m.scx))[0] !== b0) break;
    }
    const sourceAt = `127.0.0.1:${await freePort()}`;
    xml = `<SCATTERCAST name="${name}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${sourceAt}</RENDEZVOUS></SCATTERCAST>`;
    source = await runNode(
      nodeConfig({ listen: sourceAt, logLevel: 'error', sessions: [{ announcement: xml, source: { channel: 1, packetsPerSecond: 50 } }] }, dir),
    );
    frontend = `127.0.0.1:${await freePort()}`;
    const cluster = { name: 'b', members, prober: members[0]!.admin };
    for (const [i, m] of members.entries()) {
      if (i === 0) continue;
      const file = join(dir, `b${i}.json`);
      writeFileSync(file, JSON.stringify({ listen: m.scx, admin: m.admin, cluster, logLevel: 'error', seed: i + 2 }));
      const proc = spawn(process.execPath, ['bin/scattercast.js', 'node', '--config', file], { stdio: 'ignore' });
      procs.set(m.scx, proc);
    }
    for (const m of members.slice(1)) await until(`member ${m.scx} up`, 20_000, async () => (await fetch(`http://${m.admin}/v1/health`).catch(() => undefined))?.ok === true);
    frontendNode = await runNode(nodeConfig({ listen: members[0]!.scx, admin: members[0]!.admin, frontend, cluster, logLevel: 'error', seed: 2 }, dir));
  });

  after(async () => {
    client?.close();
    for (const proc of procs.values()) proc.kill('SIGKILL');
    await Promise.all([source, frontendNode].map((n) => n?.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the SCX a member already hosts for the session, whatever the hashing says', async () => {
    const host = members[2]!;
    let name0 = '';
    for (let k = 0; ; k++) {
      name0 = `scast://test.scattercast/hosted-${k}`;
      if (rendezvousOrder(sessionIdHex(name0), members.map((m) => m.scx))[0] !== host.scx) break;
    }
    const doc = `<SCATTERCAST name="${name0}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${host.scx}</RENDEZVOUS></SCATTERCAST>`;
    // The members are other processes holding the same overlay: the frontend node's token is theirs too.
    const headers = { 'content-type': 'application/json', ...tokenHeaders(frontendNode.trust.clusterToken) };
    const res = await fetch(`http://${host.admin}/v1/host`, { method: 'POST', headers, body: JSON.stringify({ announcement: doc }) });
    assert.equal(res.status, 200, 'the member hosts it (as a node configured with the session would)');
    const seen = frontendNode.placement!.health.get(host.scx)!;
    await until('a health check to report it', 5000, () => seen.hosting.has(sessionIdHex(name0)));
    const answer = await askFrontend(frontend, name0, { announcement: doc });
    assert.equal(answer.scx, host.scx);
  });

  it('places the session on its rendezvous member, shares one probe module, and moves the session when that member is killed', async (t) => {
    const order = rendezvousOrder(sessionIdHex(name), members.map((m) => m.scx));
    const seqs: number[] = [];
    const attachedTo: string[] = [];
    /** How many packets had arrived when each attachment began. */
    const attachedAtPacket: number[] = [];
    client = await tuneIn(frontend, name, { announcement: xml }, (p) => seqs.push(p.header.seq), {
      multicast: false,
      onAttach: (answer) => {
        attachedTo.push(answer.scx);
        attachedAtPacket.push(seqs.length);
      },
    });
    assert.deepEqual(attachedTo, [order[0]], 'the frontend placed the session on its rendezvous member');
    await until('50 packets at the first member', 20_000, () => seqs.length >= 50);

    const hostAdmin = members.find((m) => m.scx === order[0])!.admin;
    const sourceScx = source.node.self;
    const hostState = async (): Promise<StateView & { probe: Record<string, number | null> }> => (await fetch(`http://${hostAdmin}/state`, { headers: tokenHeaders(frontendNode.trust.clusterToken) })).json() as never;
    await until('the member to learn its RTT to the source from the prober', 10_000, async () => typeof (await hostState()).probe[sourceScx] === 'number');
    const prober = frontendNode.node.probe;
    assert.ok(!(prober instanceof SharedProbe), 'the frontend node is the prober');
    assert.equal(frontendNode.node.sessions.size, 0, 'the prober hosts no session of its own here');
    assert.ok(prober.cache.has(sourceScx), 'so it measures the source only because a member asked it to');

    const stoppedAt = Date.now();
    const before = seqs.length;
    procs.get(order[0] as string)!.kill('SIGKILL');
    const reattach = await until('the client to be served by the next member', 15_000, () => attachedTo.length === 2);
    assert.equal(attachedTo[1], order[1], 'the session moved to the next member in its rendezvous order');
    assert.equal(frontendNode.placement!.placements.get(sessionIdHex(name))?.member, order[1]);
    const metrics = await (await fetch(`http://${members[0]!.admin}/metrics`)).text();
    assert.ok(metrics.includes(`scattercast_cluster_member_healthy{member="${order[0]}"} 0`), 'the killed member shows unhealthy');
    // The first test placed a session too, maybe on the same member: count this session among those placed there.
    const placedThere = [...frontendNode.placement!.placements.values()].filter((p) => p.member === order[1]).length;
    assert.ok(metrics.includes(`scattercast_cluster_sessions_placed{member="${order[1]}"} ${placedThere}`) && placedThere >= 1, 'the session shows on its new member');
    await until('packets again after the move', 20_000, () => seqs.length >= before + 50);
    t.diagnostic(`hosting member killed (-9): client served again by ${order[1]} after ${reattach} ms, 50 more packets ${Date.now() - stoppedAt} ms after the kill`);
    // Each attachment's stream is whole: in order, no duplicate, no gap. Across the move the stream goes on forward
    // (never back to a packet already had); the packets sent while no member served the session may be missing.
    const moved = attachedAtPacket[1] as number;
    assert.ok(moved >= before && moved < seqs.length, `the move at packet ${moved} of ${seqs.length}`);
    assert.deepEqual(sequenceDefects(seqs.slice(0, moved)), { duplicates: 0, gaps: 0 }, `at the first member: ${JSON.stringify(seqs.slice(0, moved))}`);
    assert.deepEqual(sequenceDefects(seqs.slice(moved)), { duplicates: 0, gaps: 0 }, `at the next member: ${JSON.stringify(seqs.slice(moved))}`);
    assert.ok(seqs[moved]! > seqs[moved - 1]!, `after the move the stream went back from ${seqs[moved - 1]} to ${seqs[moved]}`);

    const newHost = members.find((m) => m.scx === order[1])!.admin;
    const state = (await (await fetch(`http://${newHost}/state`, { headers: tokenHeaders(frontendNode.trust.clusterToken) })).json()) as StateView;
    assert.equal(state.cluster, 'b');
    assert.ok(state.clients.some((c) => c.role === 'receive' && c.packets > 0), 'the new host reports the client it serves');

    // A transport the cluster lacks is refused whichever member the session hashes to (paper 3.2: try elsewhere).
    for (let k = 0; k < 4; k++) {
      const srm = `scast://test.scattercast/srm-${k}`;
      const doc = xml.replace(name, srm).replace('unicast="tcp"', 'unicast="srm"');
      await assert.rejects(askFrontend(frontend, srm, { announcement: doc }), { code: 'ERR_TRANSPORT_UNSUPPORTED' });
    }
  });
  it('a sender and a receiver attached through the frontend both follow their session when its member is killed', async (t) => {
    // The member still alive besides the frontend's node, and a session that hashes to it among the healthy two.
    const healthy = [...frontendNode.placement!.health].filter(([, h]) => h.healthy).map(([scx]) => scx);
    const other = healthy.find((m) => m !== members[0]!.scx) as string;
    // Signed by its creator: the frontend hands the announcement on to the member intact, and the sender holds a token.
    const creator = testCreator();
    let name2 = '';
    for (let k = 0; ; k++) {
      name2 = creator.name(`staying-${k}`);
      if (rendezvousOrder(sessionIdHex(name2), healthy)[0] === other) break;
    }
    const doc = creator.sign(`<SCATTERCAST name="${name2}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${source.node.self}</RENDEZVOUS></SCATTERCAST>`);
    source.node.join(parseAnnouncement(doc)); // the rendezvous SCX, in another cluster, so the session outlives its member here
    const got: number[] = [];
    const receiverAt: string[] = [];
    const receiver = await tuneIn(frontend, name2, { announcement: doc }, (p) => got.push(Buffer.from(payloadOf(p)).readUInt32BE(0)), {
      multicast: false,
      onAttach: (a) => receiverAt.push(a.scx),
    });
    const senderAt: string[] = [];
    const sender = await attachSender(frontend, name2, { announcement: doc }, 1, { credential: creator.token(name2), onAttach: (a) => senderAt.push(a.scx) });
    let n = 0;
    let sending = true;
    const pump = (async () => {
      while (sending) {
        const b = Buffer.alloc(64);
        b.writeUInt32BE(n++);
        await sender.send([b]);
        await sleep(10);
      }
    })();
    try {
      await until('payloads at the receiver', 10_000, () => got.length >= 50);
      assert.deepEqual([senderAt, receiverAt], [[other], [other]]);
      const killedAt = Date.now();
      procs.get(other)!.kill('SIGKILL');
      const mark = n;
      await until('payloads sent after the kill at the receiver', 20_000, () => got.some((v) => v > mark + 50));
      assert.deepEqual([senderAt, receiverAt], [[other, members[0]!.scx], [other, members[0]!.scx]], 'both moved to the frontend node');
      t.diagnostic(`sender and receiver both moved; payloads flowing again ${Date.now() - killedAt} ms after the kill`);
    } finally {
      sending = false;
      await pump;
      sender.close();
      receiver.close();
    }
  });
});
