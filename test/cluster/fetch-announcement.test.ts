import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { ErrorCode, ScError } from '../../src/core/errors.ts';
import { fetchAnnouncement } from '../../src/cluster/fetch-announcement.ts';

const DOC = '<SCATTERCAST name="scast://example.org/news"/>';

/** A local server: /doc, /big, /slow, /missing, /hop/n (redirects n more times, then /doc), /loop. */
function route(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const hop = /^\/hop\/(\d+)$/.exec(url);
  if (url === '/doc') return void res.end(DOC);
  if (url === '/big') return void res.end('x'.repeat(2000));
  if (url === '/big-chunked') {
    res.write('x'.repeat(1500));
    return void setTimeout(() => res.end('x'.repeat(1500)), 10);
  }
  if (url === '/slow') return void setTimeout(() => res.end(DOC), 2000).unref();
  if (url === '/drip') {
    res.write('<');
    return void setTimeout(() => res.end(DOC), 2000).unref();
  }
  if (hop !== null) {
    const left = Number(hop[1]);
    res.writeHead(302, { location: left === 0 ? '/doc' : `/hop/${left - 1}` });
    return void res.end();
  }
  if (url === '/to-ftp') {
    res.writeHead(301, { location: 'ftp://example.org/a' });
    return void res.end();
  }
  res.writeHead(404);
  res.end('no');
}

async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ScError, `not an ScError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('fetchAnnouncement', () => {
  let server: Server;
  let base: string;
  let connections = 0;

  before(async () => {
    server = createServer(route);
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('fetches the bytes (allowPrivate for the local server)', async () => {
    const body = await fetchAnnouncement(`${base}/doc`, { allowPrivate: true });
    assert.equal(Buffer.from(body).toString(), DOC);
  });

  it('follows up to maxRedirects redirects, and refuses one more', async () => {
    const body = await fetchAnnouncement(`${base}/hop/2`, { allowPrivate: true });
    assert.equal(Buffer.from(body).toString(), DOC);
    await rejects(fetchAnnouncement(`${base}/hop/3`, { allowPrivate: true }), ErrorCode.FETCH_FAILED, /too many redirects/);
    const one = await fetchAnnouncement(`${base}/hop/0`, { allowPrivate: true, maxRedirects: 1 });
    assert.equal(Buffer.from(one).toString(), DOC);
  });

  it('re-checks redirect targets', async () => {
    await rejects(fetchAnnouncement(`${base}/to-ftp`, { allowPrivate: true }), ErrorCode.URL_INVALID);
  });

  it('caps the size, by Content-Length and while streaming', async () => {
    await rejects(fetchAnnouncement(`${base}/big`, { allowPrivate: true, maxBytes: 1000 }), ErrorCode.ANNOUNCEMENT_TOO_LARGE);
    await rejects(fetchAnnouncement(`${base}/big-chunked`, { allowPrivate: true, maxBytes: 2000 }), ErrorCode.ANNOUNCEMENT_TOO_LARGE);
    assert.equal((await fetchAnnouncement(`${base}/big`, { allowPrivate: true, maxBytes: 2000 })).length, 2000);
  });

  // The servers answer in full after 2 s: only the 150 ms timeout can make the fetch fail, so the code proves it fired
  // (no wall-clock bound needed).
  it('times out a slow server, before headers and mid-body', async () => {
    for (const path of ['/slow', '/drip']) {
      await rejects(fetchAnnouncement(`${base}${path}`, { allowPrivate: true, timeoutMs: 150 }), ErrorCode.FETCH_TIMEOUT);
    }
  });

  it('turns a non-2xx status into ERR_FETCH_FAILED naming it', async () => {
    await rejects(fetchAnnouncement(`${base}/missing`, { allowPrivate: true }), ErrorCode.FETCH_FAILED, /404/);
  });

  it('refuses internal addresses before connecting', async () => {
    const port = (server.address() as AddressInfo).port;
    const before = connections;
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '10.0.0.1', '169.254.169.254', '[::ffff:127.0.0.1]', '0.0.0.0']) {
      await rejects(fetchAnnouncement(`http://${host}:${port}/doc`), ErrorCode.URL_FORBIDDEN, /internal address/);
    }
    assert.equal(connections, before);
  });

  it('refuses other schemes, credentials and garbage', async () => {
    for (const url of ['ftp://example.org/a', 'file:///etc/passwd', 'not a url', '', 'http://user:pw@example.org/a']) {
      await rejects(fetchAnnouncement(url), ErrorCode.URL_INVALID);
    }
  });
});
