/**
 * The TCP endpoint's limits on what it grants, against a real listener on loopback: a flood of refused hellos
 * logs a bounded number of lines (each one counted in a summary), and dials to addresses that never answered
 * spend the dial budget, a connected one proving its address.
 */

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/daemon/log.ts';
import { DialBudget } from '../../src/net/dial-budget.ts';
import { Guard } from '../../src/net/guard.ts';
import { TcpEndpoint } from '../../src/net/tcp-endpoint.ts';
import { sendTcpFrames } from '../support/raw-peer.ts';

/** Lines of one message a window lets through, and the window, ms (short, so that a summary comes in the test). */
const REPEAT_MAX = 20;
const WINDOW_MS = 500;
const FLOOD = 5000;
/** Connections of the flood open at once. */
const PARALLEL = 100;

/** A log line as the logger writes it. */
interface Line {
  readonly msg: string;
  readonly repeated?: string;
  readonly suppressed?: number;
}

function endpoint(log: ReturnType<typeof createLogger>, dialBudget = new DialBudget(20), onPeerRefused: (peer: string) => void = () => undefined): TcpEndpoint {
  return new TcpEndpoint({
    self: '127.0.0.1:1',
    onControl: () => undefined,
    onPeerLost: () => undefined,
    onPeerRefused,
    onDataConnection: () => undefined,
    onClientConnection: () => undefined,
    accept: { connectionsPerIp: PARALLEL * 2, connectionsTotal: PARALLEL * 4, pendingHandshakes: PARALLEL * 2 },
    helloDeadlineMs: 2000,
    controlBytesPerSecond: 1024 * 1024,
    dialBudget,
    log,
    guard: new Guard((where, err) => assert.fail(`${where}: ${String(err)}`)),
  });
}

describe('the TCP endpoint', { timeout: 60_000 }, () => {
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it(`logs a flood of ${FLOOD} refused hellos in a bounded number of lines, each one counted`, async (t) => {
    const lines: Line[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Line);
        done();
      },
    });
    const tcp = endpoint(createLogger('info', {}, { write: (l: string) => out.write(l) }, { max: REPEAT_MAX, windowMs: WINDOW_MS }));
    await tcp.listen('127.0.0.1', 0);
    closers.push(() => tcp.close());
    const port = (tcp as unknown as { server: Server }).server.address() as { port: number };
    const started = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < FLOOD) {
        next++;
        await sendTcpFrames(port.port, [Buffer.from('not a hello')]);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const ms = performance.now() - started;
    const windows = Math.ceil(ms / WINDOW_MS) + 1;
    await new Promise((r) => setTimeout(r, 2 * WINDOW_MS));

    assert.equal([...tcp.refusedHellos.values()].reduce((a, b) => a + b, 0), FLOOD);
    const refused = lines.filter((l) => l.msg === 'refused a connection');
    const summaries = lines.filter((l) => l.msg === 'repeated log lines suppressed' && l.repeated === 'refused a connection');
    t.diagnostic(`${lines.length} log lines for ${FLOOD} refused hellos in ${Math.round(ms)} ms (${REPEAT_MAX} a message per ${WINDOW_MS} ms window)`);
    assert.ok(lines.length <= windows * (REPEAT_MAX + 1), `${lines.length} lines in ${windows} windows`);
    assert.equal(refused.length + summaries.reduce((n, l) => n + (l.suppressed ?? 0), 0), FLOOD, 'a refusal neither logged nor counted in a summary');
  });

  it('dials an unproven address only with a token of the dial budget; a dial that connects proves it', async () => {
    const servers: Server[] = [];
    for (let i = 0; i < 3; i++) {
      const s = createServer((c) => c.resume());
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      servers.push(s);
    }
    closers.push(async () => {
      for (const s of servers) await new Promise((r) => s.close(r));
    });
    const peers = servers.map((s) => `127.0.0.1:${(s.address() as { port: number }).port}`);
    const budget = new DialBudget(2, () => 0);
    const tcp = endpoint(() => undefined, budget);
    closers.push(() => tcp.close());
    const [a, b, c] = peers as [string, string, string];

    assert.ok(tcp.sendControl(a, new Uint8Array(8)));
    assert.ok(tcp.sendControl(b, new Uint8Array(8)));
    assert.equal(tcp.sendControl(c, new Uint8Array(8)), false, 'a third unproven dial with a budget of 2');
    assert.equal(tcp.dialData(c, new Uint8Array(16), 1, () => undefined), undefined, 'a data dial past the budget');
    assert.equal(budget.refused, 2);
    const deadline = performance.now() + 3000;
    while (!(budget.isProven(a) && budget.isProven(b))) {
      assert.ok(performance.now() < deadline, 'a connected dial did not prove its address');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(budget.isProven(c), false);
    const conn = tcp.dialData(a, new Uint8Array(16), 1, () => undefined);
    assert.ok(conn, 'a proven address costs no token');
    conn.destroy('test over');
  });

  it('tells when a control dial is refused by the host (nothing listens there), and not when it connects', async () => {
    const listening = createServer((c) => c.resume());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((r) => listening.close(() => r())));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const refused: string[] = [];
    const tcp = endpoint(() => undefined, new DialBudget(20), (peer) => refused.push(peer));
    closers.push(() => tcp.close());
    const alive = `127.0.0.1:${(listening.address() as { port: number }).port}`;
    const gone = `127.0.0.1:${closedPort}`;
    tcp.sendControl(alive, new Uint8Array(8));
    tcp.sendControl(gone, new Uint8Array(8));
    const deadline = performance.now() + 3000;
    while (refused.length === 0) {
      assert.ok(performance.now() < deadline, 'the refusal was never told');
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(refused, [gone]);
  });
});
