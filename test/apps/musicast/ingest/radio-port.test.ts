import assert from 'node:assert/strict';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { RadioPort } from '../../../../src/apps/musicast/ingest/radio-port.ts';
import { METADATA_OK_XML } from '../../../../src/apps/musicast/ingest/replies.ts';
import { ErrorCode } from '../../../../src/core/errors.ts';
import { testCertificate, type TestCertificate } from '../../../support/test-certificate.ts';
import { basic, dial, exchange, FakeStation, logged, startTestPort } from './fake-station.ts';

const AUTH = basic('source', 'PASS');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A source's head for `mount`: ffmpeg's PUT by default. */
const sourceHead = (mount = '/live', o: { method?: string; auth?: string; type?: string; expect?: boolean } = {}): string =>
  `${o.method ?? 'PUT'} ${mount} HTTP/1.1\r\nUser-Agent: Lavf/59.27.100\r\n${o.expect === false ? '' : 'Expect: 100-continue\r\n'}` +
  `Content-Type: ${o.type ?? 'audio/mpeg'}\r\nIce-Name: Test\r\nAuthorization: ${o.auth ?? AUTH}\r\n\r\n`;

/** Reads from `socket` until `text` has come (or fails after `ms`). */
function until(socket: import('node:net').Socket, pattern: RegExp, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; got ${JSON.stringify(got)}`)), ms);
    const on = (d: Buffer): void => {
      got += d.toString('latin1');
      if (!pattern.test(got)) return;
      clearTimeout(timer);
      socket.off('data', on);
      resolve(got);
    };
    socket.on('data', on);
  });
}

/** A GET to `path` with `headers`, answered as status and body. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the radio port', { timeout: 30_000 }, () => {
  const station = new FakeStation({ '/live': { user: 'source', password: 'PASS' }, '/two': { user: 'source', password: 'PASS' }, '/three': { user: 'source', password: 'PASS' } });
  let port: RadioPort;
  let p: number;

  before(async () => {
    port = await startTestPort(station, { stallMs: 400, maxSources: 2 });
    p = port.address.port;
  });
  after(() => port.close());

  it('streams a PUT source: 100 Continue and 200 in one answer, then every byte to the sink in order, until it closes', async () => {
    const socket = await dial(p);
    socket.write(`${sourceHead()}ID3`);
    assert.equal(await until(socket, /\r\n\r\n.*\r\n\r\n/s), 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n');
    socket.write(Buffer.from([0xff, 0xfb, 0x90, 0x64]));
    await sleep(50);
    socket.end(Buffer.from('tail'));
    const sink = await station.nth(0);
    assert.equal(await sink.ended, 'closed');
    assert.equal(sink.bytes.toString('latin1'), 'ID3\xff\xfb\x90\x64tail');
    assert.equal(station.opened[0]?.info.iceName, 'Test');
    assert.equal(port.counters.sources, 1);
  });

  it('streams a legacy SOURCE (HTTP/1.0 200 OK, no 100) and ends a silent one as stalled', async () => {
    const socket = await dial(p);
    socket.write(sourceHead('/live', { method: 'SOURCE', expect: false }));
    assert.equal(await until(socket, /\r\n\r\n/), 'HTTP/1.0 200 OK\r\n\r\n');
    const closed = new Promise((r) => socket.on('close', r));
    socket.write('abc');
    const sink = await station.nth(1);
    const start = performance.now();
    assert.equal(await sink.ended, 'stalled');
    assert.ok(performance.now() - start >= 300, 'stalled after about stallMs');
    await closed;
    assert.equal(sink.bytes.toString(), 'abc');
    assert.equal(port.counters.stalled, 1);
  });

  it('refuses each bad source with its status and code, counted, and never logs a secret', async () => {
    const live = await dial(p);
    live.write(sourceHead('/live'));
    await until(live, /200 OK/);
    const cases: [string, RegExp, string][] = [
      [sourceHead('/live', { auth: basic('source', 'WRONG') }), /^HTTP\/1\.0 401 [^]*WWW-Authenticate: Basic realm="Icecast2 Server"/, ErrorCode.INGEST_AUTH],
      [sourceHead('/nope'), /^HTTP\/1\.0 404 /, ErrorCode.INGEST_NO_MOUNT],
      [sourceHead('/live'), /^HTTP\/1\.0 409 [^]*Mountpoint in use/, ErrorCode.INGEST_BUSY],
      [sourceHead('/two', { type: 'application/ogg' }), /^HTTP\/1\.0 415 /, ErrorCode.INGEST_TYPE],
      [sourceHead('/two', { expect: false }).replace('Ice-Name: Test', 'Ice-Name: a\x00b'), /^HTTP\/1\.0 400 /, ErrorCode.INGEST_HEAD],
    ];
    for (const [head, reply, code] of cases) {
      const before = port.counters.refused[code as keyof typeof port.counters.refused];
      const r = await exchange(p, head);
      assert.match(r.text, reply);
      assert.ok(r.closed, 'closed after the refusal');
      assert.equal(port.counters.refused[code as keyof typeof port.counters.refused], before + 1, code);
    }
    const second = await dial(p);
    second.write(sourceHead('/two'));
    await until(second, /200 OK/);
    assert.match((await exchange(p, sourceHead('/three'))).text, /^HTTP\/1\.0 503 /, 'past maxSources');
    assert.equal(port.counters.refused[ErrorCode.INGEST_SOURCES], 1);
    live.destroy();
    second.destroy();
    const text = logged.join('\n');
    assert.match(text, /"code":"ERR_INGEST_AUTH"/);
    assert.doesNotMatch(text, /PASS|WRONG|c291cmNl/, 'no credential in the log');
  });

  it('hands every other request to the HTTP server: two keep-alive GETs on one socket, a request line cut in pieces', async () => {
    const socket = await dial(p);
    socket.write('GE');
    await sleep(30);
    socket.write('T /first HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await until(socket, /player GET \/first$/), /^HTTP\/1\.1 200 OK[^]*keep-alive/i);
    socket.write('GET /second HTTP/1.1\r\nHost: x\r\n\r\nGET /third HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await until(socket, /player GET \/third$/), /player GET \/second[^]*player GET \/third/);
    socket.destroy();
    const r = await get(p, '/status-json.xsl');
    assert.equal(r.body, 'player GET /status-json.xsl');
  });

  it("answers Icecast's metadata update with its XML, and refuses a wrong password with 401", async () => {
    const socket = await dial(p);
    socket.write(sourceHead('/live'));
    await until(socket, /200 OK/);
    const path = '/admin/metadata?mount=/live&mode=updinfo&song=Artist%20-%20Title';
    const ok = await get(p, path, { Authorization: AUTH });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, METADATA_OK_XML);
    assert.match(String(ok.headers['content-type']), /^text\/xml/);
    assert.deepEqual(station.titles.at(-1), ['/live', 'Artist - Title']);
    const bad = await get(p, path, { Authorization: basic('source', 'x') });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers['www-authenticate'], 'Basic realm="Icecast2 Server"');
    assert.equal((await get(p, '/admin/metadata?mount=/two&mode=updinfo&song=A', { Authorization: AUTH })).status, 400, 'no live source');
    assert.equal(port.counters.metadata, 1);
    socket.destroy();
    await station.nth(station.opened.length - 1).then((s) => s.ended);
  });

  it('closing ends live sources as closed and drops every connection', async () => {
    const own = await startTestPort(station);
    const source = await dial(own.address.port);
    source.write(sourceHead('/three'));
    await until(source, /200 OK/);
    const player = await dial(own.address.port);
    player.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(player, /player GET/);
    const gone = Promise.all([source, player].map((s) => new Promise((r) => s.on('close', r))));
    await own.close();
    await gone;
    assert.equal(station.opened.at(-1)?.sink.reason, 'closed');
  });
});

describe('the radio port over TLS', { timeout: 30_000 }, () => {
  const station = new FakeStation();
  let cert: TestCertificate;
  let port: RadioPort;

  before(async () => {
    cert = testCertificate();
    port = await startTestPort(station, {}, { key: cert.key, cert: cert.cert });
  });
  after(async () => {
    await port.close();
    rmSync(cert.dir, { recursive: true, force: true });
  });

  it('takes a source and hands keep-alive GETs to the HTTP server', async () => {
    const source = await dial(port.address.port, true);
    source.write(`${sourceHead()}abc`);
    await until(source, /200 OK\r\n\r\n/);
    source.end();
    const sink = await station.nth(0);
    assert.equal(await sink.ended, 'closed');
    assert.equal(sink.bytes.toString(), 'abc');
    const player = await dial(port.address.port, true);
    player.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(player, /player GET \/a$/);
    player.write('GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(player, /player GET \/b$/);
    player.destroy();
  });
});
