/**
 * tuneIn against a fake frontend and a fake SCX that accepts each client and hangs up at once: the client asks
 * again every second, and gives up once the retry window since its first loss has passed, saying why.
 */

import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { tuneIn } from '../../src/client/tune-in.ts';
import type { JoinAnswer } from '../../src/api/join-answer.ts';

describe('tuneIn', () => {
  let asks = 0;
  let accepted = 0;
  const scx = createTcpServer((socket) => {
    accepted++;
    socket.destroy();
  });
  const frontend = createHttpServer((req, res) => {
    asks++;
    req.resume();
    const port = (scx.address() as AddressInfo).port;
    const answer: JoinAnswer = {
      session: 'scast://test.scattercast/flaky',
      id: '00'.repeat(16),
      scx: `127.0.0.1:${port}`,
      channels: [{ id: 1, transport: 'tcp', unicast: { protocol: 'scattercast-tcp', host: '127.0.0.1', port } }],
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });

  before(async () => {
    await new Promise<void>((r) => scx.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => frontend.listen(0, '127.0.0.1', r));
  });

  after(() => {
    scx.close();
    frontend.close();
  });

  it('asks again after each loss, and gives up after the retry window with the reason', async () => {
    const at = `127.0.0.1:${(frontend.address() as AddressInfo).port}`;
    const started = Date.now();
    const client = await tuneIn(at, 'scast://test.scattercast/flaky', { announcement: '<SCATTERCAST/>' }, () => undefined, { multicast: false, retryForMs: 2500 });
    const why = await client.closed;
    const took = Date.now() - started;
    assert.match(why, /could not be received again/);
    assert.ok(asks >= 3 && accepted >= 3, `asked ${asks} times, attached ${accepted} times`);
    // It waits out the window (a lower bound, which load cannot break); that it gives up at all is the closed promise.
    assert.ok(took >= 2500, `gave up after ${took} ms, inside the 2500 ms window`);
  });
});
