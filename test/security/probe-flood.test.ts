/**
 * `POST /v1/probe` naming 4,096 peers (the most one ask may name) used to make the node ping every one at once and
 * again each probe round: 10,000 pings in 5 s. Now a ping to an address that never answered spends the node's
 * budget of unproven contacts (limits.unprovenDialsPerSecond), each refusal counted, and the node serves on.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SHARED_PROBE_MAX_PEERS } from '../../src/cluster/shared-probe.ts';
import { startAdminServer, type AdminServer } from '../../src/daemon/admin-server.ts';
import { DEFAULT_NODE_LIMITS } from '../../src/daemon/limits.ts';
import { nodeSnapshot } from '../../src/daemon/node-snapshot.ts';
import { AdminClient } from '../../src/net/admin-client.ts';
import { freePort } from '../../src/net/free-port.ts';
import { tokenHeaders } from '../support/cluster-token.ts';
import { startLiveNode, type LiveNode } from '../support/live-node.ts';
import { openLoopbackSink, type LoopbackSink } from '../support/loopback-sink.ts';
import { watchUncaught, type UncaughtWatch } from '../support/uncaught.ts';

/** The probe module's interval here, ms: many rounds pass while the test waits. */
const PING_INTERVAL_MS = 100;
/** How long the node has to ping them, ms. */
const WATCH_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('/v1/probe naming 4,096 peers that never answer', { timeout: 60_000 }, () => {
  let live: LiveNode;
  let sink: LoopbackSink;
  let admin: AdminServer;
  let probeUrl: string;
  let uncaught: UncaughtWatch;

  before(async () => {
    uncaught = watchUncaught();
    sink = await openLoopbackSink();
    live = await startLiveNode(PING_INTERVAL_MS);
    // The node's admin routes, at a port of this test's own.
    const port = await freePort();
    const clusterToken = live.running.trust.clusterToken;
    const client = new AdminClient({ token: clusterToken, ca: undefined });
    admin = await startAdminServer(live.running.node, { host: '127.0.0.1', port }, { cluster: null, snapshot: () => nodeSnapshot(live.running.node, undefined, null, client), clusterToken, log: () => undefined });
    probeUrl = `http://127.0.0.1:${port}/v1/probe`;
  });

  // What `before` started, even when it failed half way (a handle left open would keep the file from ending).
  after(async () => {
    admin?.close();
    sink?.close();
    uncaught?.stop();
    await live?.stop();
  });

  it('pings them within the unproven-contact budget, counts the rest, and the node serves on', async (t) => {
    const peers = Array.from({ length: SHARED_PROBE_MAX_PEERS }, (_, i) => sink.peer(i));
    const startedAt = performance.now();
    const res = await fetch(probeUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...tokenHeaders(live.running.trust.clusterToken) }, body: JSON.stringify({ peers }) });
    assert.equal(res.status, 200);
    const { rttMs } = (await res.json()) as { rttMs: Record<string, number | null> };
    assert.equal(Object.keys(rttMs).length, peers.length);
    assert.ok(Object.values(rttMs).every((v) => v === null), 'a peer that never answered has an RTT');
    await sleep(WATCH_MS);
    const pings = sink.datagrams;
    const elapsedS = (performance.now() - startedAt) / 1000;
    t.diagnostic(`${pings} pings to ${peers.length} peers in ${elapsedS.toFixed(1)} s`);

    // A token bucket of perSecond tokens (bursts of perSecond) allows at most perSecond x (1 + elapsed s) contacts.
    const budget = DEFAULT_NODE_LIMITS.unprovenDialsPerSecond * (1 + elapsedS);
    assert.ok(pings >= 1, 'no ping reached the peers: the test sees nothing');
    assert.ok(pings <= budget, `${pings} pings in ${elapsedS.toFixed(1)} s, over the budget of ${budget.toFixed(0)}`);
    assert.ok((await live.metric('scattercast_unproven_contacts_refused_total')) >= peers.length - budget, 'the refused pings were not counted');
    await live.serves();
    assert.equal(await live.metric('scattercast_callback_errors_total'), 0);
    assert.deepEqual(uncaught.errors, []);
  });
});
