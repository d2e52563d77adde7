import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { merge } from '../../scripts/bench-radio/fleet.ts';
import { responseHead } from '../../scripts/bench-radio/http-head.ts';
import { encodeTone, mainDataOffset, MARKER, markFrame } from '../../scripts/bench-radio/marker-source.ts';
import { DelayProbes } from '../../scripts/bench-radio/probe.ts';
import { needs } from '../support/prerequisite.ts';

describe('bench:radio helpers', () => {
  it('reads response heads: 200 or not, cut or too long', () => {
    assert.deepEqual(responseHead(Buffer.from('HTTP/1.0 200 OK\r\nServer: x\r\n\r\nab')), { status: 'HTTP/1.0 200 OK', ok: true, bodyStart: 30 });
    assert.equal((responseHead(Buffer.from('ICY 200 OK\r\n\r\n')) as { ok: boolean }).ok, true);
    assert.equal((responseHead(Buffer.from('HTTP/1.1 404 Not Found\r\n\r\n')) as { ok: boolean }).ok, false);
    assert.equal(responseHead(Buffer.from('HTTP/1.1 200 OK\r\nX: y')), undefined);
    assert.equal(responseHead(Buffer.alloc(9000, 0x41)), 'too-long');
  });

  it('merges the children: keeping up at >= 99% of the rate over the span between reads, failed = requested - streaming', () => {
    const windowMs = 10_000;
    const expected = 16_000 * 10;
    const r = merge(
      [
        { firstByteMs: [5, 7, NaN], firstFrameMs: [6, 8, NaN], windowBytes: [expected, 0.99 * expected, 0], windowMs, spanMs: [windowMs, windowMs, NaN], silentMs: [10, 10, NaN], cut: 0, errors: { 'header-timeout': 1 } },
        { firstByteMs: [9], firstFrameMs: [10], windowBytes: [0.99 * expected - 1], windowMs, spanMs: [windowMs], silentMs: [10], cut: 1, errors: { closed: 1 } },
      ],
      { count: 5, streamBytesPerS: 16_000 },
    );
    assert.equal(r.keepingUp, 2);
    assert.equal(r.keepingUpWall, 2);
    const batched = merge(
      [
        {
          firstByteMs: [5, 5, 5],
          firstFrameMs: [5, 5, 5],
          // One 500-ms batch short of the wall window, but all of the span between its reads: keeping up.
          // The same bytes with its last read 3 s before the end (it stalled): not keeping up. A short span: not either.
          windowBytes: [expected - 8_000, expected - 8_000, 8_000],
          windowMs,
          spanMs: [windowMs - 500, windowMs - 500, 500],
          silentMs: [300, 3_000, 300],
          cut: 0,
          errors: {},
        },
      ],
      { count: 3, streamBytesPerS: 16_000 },
    );
    assert.equal(batched.keepingUp, 1);
    assert.equal(batched.keepingUpWall, 0);
    assert.equal(r.streaming, 3);
    assert.equal(r.failed, 2);
    assert.equal(r.cut, 1);
    assert.deepEqual(r.errors, { 'header-timeout': 1, closed: 1 });
    assert.deepEqual(r.firstByteMs, { p50: 7, p99: 9, n: 3 });
    assert.equal(r.medianBytesPerS, 0.99 * 16_000, "over the listeners that streamed");
    assert.equal(r.p1BytesPerS, 0.99 * 16_000 - 0.1);
    assert.equal(r.windowS, 10);
  });

  it('refuses bad options with status 2 and documents them', () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-radio.ts', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--listeners L/);
    assert.match(help.stdout, /--overlay L/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-radio.ts', '--servers', 'nginx'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad --servers nginx/);
  });
});

needs({ commands: ['ffmpeg'] }).describe('bench:radio marker source and delay probes', { timeout: 30_000 }, () => {
  it('marks frames without touching their headers, and a probe finds each marker once in a served stream', async () => {
    const frames = encodeTone(2);
    assert.ok(frames.length >= 70, `${frames.length} frames for 2 s`);
    const f = frames[1] as (typeof frames)[number];
    // libmp3lame's 128 kbit/s tone: MPEG-1, mono, no CRC: main data after 4 + 17 bytes.
    assert.deepEqual([f.header.version, f.header.bitrateKbps, f.header.channels, f.header.crc], ['1', 128, 1, false]);
    assert.equal(mainDataOffset(f.header), 21);
    const marked = markFrame(f, 7);
    assert.equal(marked.length, f.bytes.length);
    assert.deepEqual(marked.subarray(0, 21), f.bytes.subarray(0, 21), 'header and side info untouched');
    assert.deepEqual(marked.subarray(21, 25), MARKER);
    assert.equal(marked.readUInt32BE(25), 7);
    assert.deepEqual(marked.subarray(29), f.bytes.subarray(29));
    // A server that sends the head and marker 1 at once, then (once the window started) markers 2..4 one byte at a
    // time, so that the probe sees markers cut at every offset.
    const sentAt = new Map<number, number>();
    let go: () => void = () => undefined;
    const started = new Promise<void>((r) => (go = r));
    const server = createServer((s) => {
      s.on('error', () => s.destroy());
      s.once('data', async () => {
        sentAt.set(1, performance.now());
        s.write(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), markFrame(frames[0] as (typeof frames)[number], 1)]));
        await started;
        for (let seq = 2; seq <= 4; seq++) {
          sentAt.set(seq, performance.now());
          for (const byte of markFrame(frames[seq] as (typeof frames)[number], seq)) {
            if (s.destroyed) return;
            s.write(Buffer.from([byte]));
            await new Promise((r) => setImmediate(r));
          }
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const probes = await DelayProbes.start([{ host: '127.0.0.1', port, mount: '/live' }], 1, { sentAt }, 10_000);
      probes.start();
      go();
      // Markers sent in the window's last 3 s do not count: end the window well after.
      await new Promise((r) => setTimeout(r, 3500));
      probes.end();
      probes.close();
      const r = probes.result();
      assert.equal(r.sent, 3, 'marker 1 came before the window');
      const d = r.perNode[0];
      assert.equal(d?.n, 3);
      assert.ok(d.p50 > 0 && d.max < 3500 && d.p99 <= d.max, JSON.stringify(d));
    } finally {
      server.close();
    }
  });
});

needs({ root: true, commands: ['icecast2', 'ffmpeg', 'runuser'] }).describe('npm run bench:radio against icecast2', { timeout: 90_000 }, () => {
  it('serves a few listeners from a real icecast2 and writes its figures (not a timing test)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-bench-radio-'));
    try {
      const json = join(dir, 'radio.json');
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/bench-radio.ts', '--listeners', '20', '--window', '3', '--servers', 'icecast', '--overlay', 'none', '--json', json],
        { encoding: 'utf8', timeout: 80_000 },
      );
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      const out = JSON.parse(readFileSync(json, 'utf8')) as {
        errors: unknown[];
        points: Array<{ server: string; count: number; serverCores: number; idleRssBytes: number; fleet: { streaming: number; firstByteMs: { n: number; p50: number } } }>;
      };
      assert.deepEqual(out.errors, []);
      const p = out.points[0];
      assert.equal(p?.server, 'icecast');
      assert.equal(p?.fleet.streaming, 20);
      assert.equal(p?.fleet.firstByteMs.n, 20);
      // CPU may read 0: 20 listeners for 3 s can stay under one 10 ms tick.
      assert.ok(p.fleet.firstByteMs.p50 > 0 && p.idleRssBytes > 0 && p.serverCores >= 0, JSON.stringify(p));
      assert.match(r.stdout, /Goals \(MusiCast, side by side\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
