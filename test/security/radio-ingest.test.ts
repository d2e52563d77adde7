/**
 * Hostile clients against a live radio port (src/apps/musicast/ingest): a slowloris head, a silent connection, an
 * oversize head and request line, garbage and TLS bytes where a request line belongs, NUL bytes, a huge
 * Authorization, 1,000 connections that send nothing, and junk pipelined after a PUT head. Each gets its typed,
 * counted refusal (or, for a player's request, Node's HTTP parser's 400), nothing reaches the station it should not,
 * nothing is thrown, and the port keeps taking a good source afterwards.
 */

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { IngestRefusal, RadioPort } from '../../src/apps/musicast/ingest/radio-port.ts';
import { ErrorCode } from '../../src/core/errors.ts';
import { basic, dial, exchange, FakeStation, startTestPort } from '../apps/musicast/ingest/fake-station.ts';
import { watchUncaught, type UncaughtWatch } from '../support/uncaught.ts';

/** The port's limits here: small, so that the flood reaches them. */
const LIMITS = { headBytes: 4096, headTimeoutMs: 1000, stallMs: 2000, maxSources: 4, maxConnections: 300, maxPendingHeads: 100 };
/** Lateness allowed past a deadline on a loaded machine, ms. */
const SLACK_MS = 1000;
const FLOOD = 1000;
const AUTH = basic('source', 'PASS');
const GOOD_HEAD = `PUT /live HTTP/1.1\r\nExpect: 100-continue\r\nContent-Type: audio/mpeg\r\nAuthorization: ${AUTH}\r\n\r\n`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('hostile clients against the radio port', { timeout: 60_000 }, () => {
  const station = new FakeStation();
  let port: RadioPort;
  let p: number;
  let uncaught: UncaughtWatch;
  const count = (code: IngestRefusal): number => port.counters.refused[code];

  before(async () => {
    uncaught = watchUncaught();
    port = await startTestPort(station, LIMITS);
    p = port.address.port;
  });
  after(async () => {
    await port?.close();
    uncaught.stop();
    assert.deepEqual(uncaught.errors, []);
  });

  /** A good source still streams: 200, its bytes reach a new sink, it ends as closed. */
  async function goodSource(): Promise<void> {
    const opened = station.opened.length;
    const socket = await dial(p);
    const answered = new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString())));
    socket.write(GOOD_HEAD);
    assert.match(await answered, /200 OK/);
    socket.end('mp3 bytes');
    const sink = await station.nth(opened);
    assert.equal(await sink.ended, 'closed');
    assert.equal(sink.bytes.toString(), 'mp3 bytes');
  }

  it('closes a silent connection and a slowloris head at headTimeoutMs, without an answer', async () => {
    const before = count(ErrorCode.INGEST_HEAD_TIMEOUT);
    const silent = exchange(p, Buffer.alloc(0), 10_000);
    const socket = await dial(p);
    const start = performance.now();
    let rest = GOOD_HEAD;
    const drip = setInterval(() => {
      if (socket.writable) socket.write(rest.slice(0, 1));
      rest = rest.slice(1);
    }, 100);
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    await new Promise((r) => socket.on('close', r));
    clearInterval(drip);
    const took = performance.now() - start;
    assert.ok(took >= LIMITS.headTimeoutMs - 50 && took < LIMITS.headTimeoutMs + SLACK_MS, `cut after ${took} ms`);
    assert.equal(got, '');
    assert.deepEqual(await silent, { text: '', closed: true });
    assert.equal(count(ErrorCode.INGEST_HEAD_TIMEOUT), before + 2);
    await goodSource();
  });

  it('answers an oversize head, an endless request line and a huge Authorization with 431', async () => {
    const before = count(ErrorCode.INGEST_HEAD_SIZE);
    const heads = [
      `PUT /live HTTP/1.1\r\nX-Pad: ${'a'.repeat(LIMITS.headBytes)}\r\n\r\n`,
      `GET /${'a'.repeat(LIMITS.headBytes * 4)}`,
      `PUT /live HTTP/1.1\r\nAuthorization: Basic ${'QUFB'.repeat(LIMITS.headBytes)}\r\n\r\n`,
    ];
    for (const head of heads) assert.match((await exchange(p, head)).text, /^HTTP\/1\.0 431 /);
    assert.equal(count(ErrorCode.INGEST_HEAD_SIZE), before + heads.length);
    const auth = await exchange(p, GOOD_HEAD.replace(AUTH, `Basic ${'QUFB'.repeat(LIMITS.headBytes / 8)}`));
    assert.match(auth.text, /^HTTP\/1\.0 401 /, 'a large Authorization within headBytes is just wrong');
    await goodSource();
  });

  it('answers garbage, TLS bytes and NUL bytes where a request line or a source header belongs with 400', async () => {
    const before = count(ErrorCode.INGEST_HEAD);
    const heads: (string | Buffer)[] = [
      'HELLO WORLD\r\n\r\n',
      Buffer.from('16030100a5010000a10303000102030405060708090a0b0c0d0e0f', 'hex'),
      '\x00\x00\x00\x00\r\n',
      'PUT /li\x00ve HTTP/1.1\r\n\r\n',
      'PUT /live HTTP/1.1\r\nContent-Type: audio/mpeg\x00\r\n\r\n',
      'SOURCE /live ICE/1.0\r\n\r\n',
      'PUT /live HTTP/1.1\nContent-Type: audio/mpeg\n\n\r\n\r\n',
    ];
    for (const head of heads) assert.match((await exchange(p, head)).text, /^HTTP\/1\.0 400 /, JSON.stringify(head.toString()));
    assert.equal(count(ErrorCode.INGEST_HEAD), before + heads.length);
    const handed = port.counters.handedOff;
    const nulInPlayerHeader = await exchange(p, 'GET /live HTTP/1.1\r\nHost: x\r\nX-A: \x00\r\n\r\n');
    assert.match(nulInPlayerHeader.text, /^HTTP\/1\.1 400 /, "a player's request: Node's parser refuses it");
    assert.equal(port.counters.handedOff, handed + 1);
    await goodSource();
  });

  it('reads junk pipelined after a refused PUT head as nothing, and after an accepted one as the stream', async () => {
    const handed = port.counters.handedOff;
    const refused = await exchange(p, `${GOOD_HEAD.replace('PASS', 'x').replace(AUTH, basic('source', 'x'))}GET /x HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff junk`);
    assert.equal(refused.text.match(/HTTP\/1\.0 401 /g)?.length, 1, 'one answer, the 401');
    assert.doesNotMatch(refused.text, /player/);
    assert.equal(port.counters.handedOff, handed, 'nothing after a refused head is read as a request');
    const opened = station.opened.length;
    const accepted = await dial(p);
    accepted.write(Buffer.from(`${GOOD_HEAD}GET /x HTTP/1.1\r\n\r\n\x00\xff`, 'latin1'));
    await sleep(100);
    accepted.end();
    const sink = await station.nth(opened);
    assert.equal(await sink.ended, 'closed');
    assert.equal(sink.bytes.toString('latin1'), 'GET /x HTTP/1.1\r\n\r\n\x00\xff', "the source's bytes, for the station's MP3 parser to drop and count");
  });

  it(`refuses ${FLOOD} connections that send nothing past maxPendingHeads, counted, and serves a good source after`, async () => {
    const before = count(ErrorCode.INGEST_CONNECTIONS) + count(ErrorCode.INGEST_HEAD_TIMEOUT);
    const sockets: Socket[] = [];
    const closed: Promise<unknown>[] = [];
    for (let i = 0; i < FLOOD; i += 100) {
      const wave = await Promise.all(Array.from({ length: 100 }, () => dial(p).catch(() => undefined)));
      for (const s of wave) {
        if (s === undefined) continue;
        s.on('error', () => undefined);
        closed.push(s.destroyed ? Promise.resolve() : new Promise((r) => s.on('close', r)));
        sockets.push(s);
      }
    }
    await Promise.all(closed);
    const refusals = count(ErrorCode.INGEST_CONNECTIONS) + count(ErrorCode.INGEST_HEAD_TIMEOUT) - before;
    assert.equal(refusals, FLOOD, 'every connection of the flood refused: at accept past the limits, or at its head deadline');
    assert.ok(count(ErrorCode.INGEST_CONNECTIONS) >= FLOOD - LIMITS.maxConnections, `${count(ErrorCode.INGEST_CONNECTIONS)} refused at accept`);
    await goodSource();
  });

  it('closes connections past maxConnections at accept, players included, counted', async () => {
    const small = await startTestPort(station, { ...LIMITS, maxConnections: 20 });
    const players = await Promise.all(Array.from({ length: 20 }, () => dial(small.address.port)));
    const answered = players.map((s) => new Promise((r) => s.once('data', r)));
    for (const s of players) s.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    await Promise.all(answered);
    const late = await exchange(small.address.port, 'GET /y HTTP/1.1\r\nHost: x\r\n\r\n', 3000);
    assert.deepEqual(late, { text: '', closed: true });
    assert.equal(small.counters.refused[ErrorCode.INGEST_CONNECTIONS], 1);
    for (const s of players) s.destroy();
    await small.close();
  });
});
