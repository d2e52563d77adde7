import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';

import { ErrorCode, ScError } from '../../src/core/errors.ts';
import { frontendHandler, REQUEST_MAX_BYTES, startFrontend, type FrontendOptions } from '../../src/cluster/frontend.ts';
import type { JoinAnswer } from '../../src/api/join-answer.ts';
import type { Announcement } from '../../src/session/announcement.ts';
import { formatSessionName, sessionIdHex } from '../../src/session/name.ts';
import { testSeed } from '../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 20261125;

const NAME = 'scast://www.cnn.com/Headline_News';
const DOC = `<SCATTERCAST name="scattercast://WWW.CNN.COM/Headline_News">
  <CHANNEL id="0"><TRANSPORT unicast="tcp"/></CHANNEL>
  <CHANNEL id="7"><TRANSPORT unicast="srm"/></CHANNEL>
  <RENDEZVOUS>rp1.cnn.com:9000</RENDEZVOUS>
</SCATTERCAST>`;
const OTHER = DOC.replace('Headline_News', 'Sports');

/** A fake cluster: joins any session whose channels are all tcp, else refuses; one session name breaks it. */
async function join(a: Announcement): Promise<JoinAnswer> {
  const session = formatSessionName(a.name);
  if (a.name.name === 'Broken') throw new Error('disk on fire');
  const odd = a.channels.find((c) => c.unicast !== 'tcp' && c.unicast !== 'srm');
  if (odd) throw new ScError(ErrorCode.TRANSPORT_UNSUPPORTED, `channel ${odd.id}: this cluster carries tcp and srm, not ${odd.unicast}`);
  const unicast = { protocol: 'scattercast-tcp', host: '192.0.2.1', port: 7000 } as const;
  return { session, id: sessionIdHex(a.name), scx: 'scx-1', channels: a.channels.map((c) => ({ id: c.id, transport: c.unicast, unicast })) };
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: { error?: { code: string; message: string } } & Record<string, unknown>;
}

describe('cluster frontend', () => {
  let server: Server;
  let port: number;
  const fetched: { url: string; allowPrivate: boolean | undefined }[] = [];
  const logged: string[] = [];
  const options: FrontendOptions = {
    join,
    allowPrivateUrls: false,
    homeHosts: ['127.0.0.1'],
    log: (level, msg) => logged.push(`${level} ${msg}`),
    fetchAnnouncement: async (url, fetchOptions) => {
      fetched.push({ url, allowPrivate: fetchOptions?.allowPrivate });
      if (url === 'https://example.org/news.xml') return new TextEncoder().encode(DOC);
      if (url === 'https://example.org/crash') throw new TypeError('fetcher bug');
      if (url === 'http://10.0.0.1/a') throw new ScError(ErrorCode.URL_FORBIDDEN, 'internal address');
      if (url === 'https://slow.example.org/a') throw new ScError(ErrorCode.FETCH_TIMEOUT, 'timed out');
      throw new ScError(ErrorCode.URL_INVALID, 'not a URL');
    },
  };

  before(async () => {
    server = await startFrontend({ host: '127.0.0.1', port: 0 }, options);
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  function call(method: string, path: string, body?: string | Buffer, type = 'application/json', to = port): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers = body === undefined ? {} : { 'content-type': type };
      const req = request({ host: '127.0.0.1', port: to, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const post = (body: unknown, type?: string): Promise<Reply> =>
    call('POST', '/v1/sessions', typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), type);

  async function refused(reply: Promise<Reply>, status: number, code: string): Promise<void> {
    const r = await reply;
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.error?.code, code);
    assert.match(r.json.error?.message ?? '', /^[^\n]+$/);
    assert.equal(r.headers['content-type'], 'application/json');
  }

  it('joins with an inline announcement and answers the channels', async () => {
    const r = await post({ name: 'scattercast://www.cnn.com/Headline_News', announcement: DOC });
    assert.equal(r.status, 200);
    assert.equal(r.json.session, NAME);
    assert.equal(r.json.id, sessionIdHex(NAME));
    assert.deepEqual((r.json.channels as { id: number }[]).map((c) => c.id), [0, 7]);
  });

  it('joins with an announcement URL, fetched with the private-address policy', async () => {
    const r = await post({ name: NAME, url: 'https://example.org/news.xml' });
    assert.equal(r.status, 200);
    assert.equal(r.json.session, NAME);
    assert.deepEqual(fetched.at(-1), { url: 'https://example.org/news.xml', allowPrivate: false });
  });

  it('answers health, 404 and 405', async () => {
    const health = await call('GET', '/v1/health');
    assert.deepEqual([health.status, health.json], [200, { ok: true }]);
    await refused(call('GET', '/nope'), 404, ErrorCode.NOT_FOUND);
    const wrong = call('GET', '/v1/sessions');
    await refused(wrong, 405, ErrorCode.METHOD_NOT_ALLOWED);
    assert.equal((await wrong).headers.allow, 'POST');
    assert.equal((await call('POST', '/v1/health', '{}')).headers.allow, 'GET');
  });

  it('refuses each kind of malformed request with its status and code, and keeps serving', async () => {
    const big = JSON.stringify({ name: NAME, announcement: 'x'.repeat(REQUEST_MAX_BYTES) });
    const cases: [Promise<Reply>, number, string][] = [
      [post(big), 413, ErrorCode.REQUEST_TOO_LARGE],
      [post({ name: NAME, announcement: DOC }, 'text/plain'), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE],
      [post({ name: NAME, announcement: DOC }, 'application/json; charset=latin1'), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE],
      [post('{"name": '), 400, ErrorCode.REQUEST_INVALID],
      [post(Buffer.from([0x7b, 0xff, 0x7d])), 400, ErrorCode.REQUEST_INVALID],
      [post('[1]'), 400, ErrorCode.REQUEST_INVALID],
      [post('null'), 400, ErrorCode.REQUEST_INVALID],
      [post({ announcement: DOC }), 400, ErrorCode.REQUEST_INVALID],
      [post({ name: NAME }), 400, ErrorCode.REQUEST_INVALID],
      [post({ name: NAME, announcement: DOC, url: 'https://example.org/news.xml' }), 400, ErrorCode.REQUEST_INVALID],
      [post({ name: NAME, announcement: DOC, extra: 1 }), 400, ErrorCode.REQUEST_INVALID],
      [post({ name: 7, announcement: DOC }), 400, ErrorCode.REQUEST_INVALID],
      [post({ name: 'http://www.cnn.com/x', announcement: DOC }), 400, ErrorCode.SESSION_NAME_INVALID],
      [post({ name: NAME, announcement: '<SCATTERCAST/>' }), 422, ErrorCode.ANNOUNCEMENT_INVALID],
      [post({ name: NAME, announcement: `${DOC}<!--${'y'.repeat(70_000)}-->` }), 413, ErrorCode.ANNOUNCEMENT_TOO_LARGE],
      [post({ name: NAME, announcement: OTHER }), 409, ErrorCode.SESSION_MISMATCH],
      [post({ name: NAME, announcement: DOC.replace('srm', 'rtp') }), 422, ErrorCode.TRANSPORT_UNSUPPORTED],
      [post({ name: NAME, url: 'ftp://example.org/a' }), 400, ErrorCode.URL_INVALID],
      [post({ name: NAME, url: 'http://10.0.0.1/a' }), 403, ErrorCode.URL_FORBIDDEN],
      [post({ name: NAME, url: 'https://slow.example.org/a' }), 504, ErrorCode.FETCH_TIMEOUT],
      [post({ name: NAME, url: 'https://example.org/crash' }), 500, ErrorCode.INTERNAL],
      [post({ name: 'scast://www.cnn.com/Broken', announcement: DOC.replace('Headline_News', 'Broken') }), 500, ErrorCode.INTERNAL],
    ];
    for (const [reply, status, code] of cases) await refused(reply, status, code);
    const transport = await post({ name: NAME, announcement: DOC.replace('srm', 'rtp') });
    assert.match(transport.json.error?.message ?? '', /carries tcp and srm/);
    const internal = await post({ name: NAME, url: 'https://example.org/crash' });
    assert.doesNotMatch(internal.json.error?.message ?? '', /fetcher bug/);
    assert.ok(logged.some((l) => l.startsWith('warn')));
    assert.equal((await post({ name: NAME, announcement: DOC })).status, 200);
  });

  it('never answers random bodies with a 5xx', async (t) => {
    const seed = testSeed(t, SEED);
    const field = fc.oneof(fc.string(), fc.constant(NAME), fc.constant(DOC), fc.constant(OTHER), fc.integer(), fc.constant(null));
    const object = fc.dictionary(fc.constantFrom('name', 'announcement', 'url', 'extra', '__proto__', 'constructor'), field);
    const body = fc.oneof(fc.string(), fc.json(), object.map((o) => JSON.stringify(o)), fc.uint8Array().map((b) => Buffer.from(b)));
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/xml'), async (b, type) => {
        const r = await post(b, type);
        assert.ok(r.status < 500, `${r.status} ${JSON.stringify(r.json)}`);
      }),
      { seed, numRuns: 200 },
    );
    assert.equal((await call('GET', '/v1/health')).status, 200);
  });

  it('mounts as a plain handler on the caller\'s server', async () => {
    const own = createServer(frontendHandler(options));
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    try {
      const r = await call('GET', '/v1/health', undefined, undefined, (own.address() as AddressInfo).port);
      assert.deepEqual([r.status, r.json], [200, { ok: true }]);
    } finally {
      own.close();
    }
  });
});
