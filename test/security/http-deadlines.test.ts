/**
 * Slowloris against the node's HTTP servers: the header and request deadlines (5 s and 10 s) used to fire at
 * about 30 s, because node:http checks them only every `connectionsCheckingInterval` (30 s by default). Now every
 * server is made by createHttpServer, which checks every second. This holds connections to the admin server and
 * the frontend that send nothing, that send their headers a byte at a time, and that send their body a byte at a
 * time, and checks that each is cut within its deadline and one check interval (plus 500 ms of slack), while an
 * honest request is still answered at once.
 */

import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startFrontend } from '../../src/cluster/frontend.ts';
import { startAdminServer, type AdminServer } from '../../src/daemon/admin-server.ts';
import { joinHere } from '../../src/daemon/local-join.ts';
import { createLogger } from '../../src/daemon/log.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { nodeSnapshot } from '../../src/daemon/node-snapshot.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { AdminClient } from '../../src/net/admin-client.ts';
import { freePort } from '../../src/net/free-port.ts';
import { DEADLINE_CHECK_INTERVAL_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, type WebServer } from '../../src/net/http-server.ts';

/** The admin server's cluster token: the attacker holds it, so that its body is read (an outsider's is refused at its headers). */
const TOKEN = 'http-deadlines-test-token';
/** Time between two bytes of a dripping client, ms. */
const DRIP_MS = 200;
/** Lateness allowed past a deadline and one check interval, ms (a loaded machine's timers). */
const SLACK_MS = 500;
/** How long a client waits for the server to cut it before giving up, ms. */
const GIVE_UP_MS = 20_000;

type Attack = 'silent' | 'dripping headers' | 'dripping body';

/** Opens a connection that plays `attack` and resolves with how long the server took to close it, ms. */
function slowloris(port: number, attack: Attack): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const start = performance.now();
    let drip: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${attack}: still open after ${GIVE_UP_MS} ms`));
    }, GIVE_UP_MS);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve(performance.now() - start);
    });
    socket.once('connect', () => {
      if (attack === 'silent') return;
      let rest = attack === 'dripping headers' ? 'x-pad: ' + 'a'.repeat(10_000) : 'b'.repeat(10_000);
      const head = `POST /v1/host HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\n`;
      socket.write(attack === 'dripping headers' ? head : `${head}content-length: ${rest.length}\r\n\r\n`);
      drip = setInterval(() => {
        if (!socket.writable) return;
        socket.write(rest.slice(0, 1));
        rest = rest.slice(1);
      }, DRIP_MS);
    });
  });
}

describe('slowloris against the HTTP servers', { timeout: 60_000 }, () => {
  let node: ScxNode;
  let admin: AdminServer;
  let frontend: WebServer;
  const ports: Record<string, number> = {};

  before(async () => {
    node = new ScxNode({ listen: { host: '127.0.0.1', port: await freePort() }, gossamer: {}, seed: 1, registry: builtinRegistry(), log: createLogger('error', {}) });
    await node.start();
    const adminAt = { host: '127.0.0.1', port: await freePort() };
    const client = new AdminClient({ token: TOKEN, ca: undefined });
    admin = await startAdminServer(node, adminAt, { cluster: null, snapshot: () => nodeSnapshot(node, undefined, null, client), clusterToken: TOKEN, log: () => undefined });
    frontend = await startFrontend({ host: '127.0.0.1', port: 0 }, { join: async (a) => joinHere(node, a), allowPrivateUrls: false, homeHosts: [], log: () => undefined });
    ports.admin = adminAt.port;
    ports.frontend = (frontend.address() as AddressInfo).port;
  });

  after(async () => {
    frontend.closeAllConnections();
    frontend.close();
    admin.close();
    await node.stop();
  });

  it('cuts each slow client within its deadline and one check interval, and serves honest requests meanwhile', async (t) => {
    const deadlines: Record<Attack, number> = { silent: HEADERS_TIMEOUT_MS, 'dripping headers': HEADERS_TIMEOUT_MS, 'dripping body': REQUEST_TIMEOUT_MS };
    const runs = Object.entries(ports).flatMap(([server, port]) =>
      (Object.keys(deadlines) as Attack[]).map(async (attack) => ({ server, attack, ms: await slowloris(port, attack) })),
    );
    // Honest requests while the slow clients hang on.
    for (let i = 0; i < 5; i++) {
      for (const [server, port] of Object.entries(ports)) {
        const start = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/v1/health`, { signal: AbortSignal.timeout(2000) });
        assert.equal(res.status, 200, server);
        await res.json();
        assert.ok(performance.now() - start < 1000, `${server} took ${performance.now() - start} ms to answer /v1/health`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const results = await Promise.all(runs);
    for (const { server, attack, ms } of results) {
      const deadline = deadlines[attack];
      t.diagnostic(`${server}, ${attack}: cut after ${Math.round(ms)} ms (deadline ${deadline} ms)`);
      assert.ok(ms >= deadline - 100, `${server}, ${attack}: cut after ${Math.round(ms)} ms, before its ${deadline}-ms deadline`);
      assert.ok(ms <= deadline + DEADLINE_CHECK_INTERVAL_MS + SLACK_MS, `${server}, ${attack}: cut after ${Math.round(ms)} ms, past its ${deadline}-ms deadline`);
    }
  });
});
