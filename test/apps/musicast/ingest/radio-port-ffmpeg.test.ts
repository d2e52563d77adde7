/**
 * Real encoders against the radio port: Debian's ffmpeg pushing a libmp3lame sine to `icecast://` (PUT with
 * `Expect: 100-continue`), with `-legacy_icecast 1` (SOURCE), with a wrong password, as a second source on a live
 * mount, and over TLS (`-tls 1`, which does not verify the test certificate). The station must receive exactly the
 * bytes ffmpeg writes for the same input to a pipe (a non-seekable output, as the network is: no Xing header).
 */

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import type { RadioPort } from '../../../../src/apps/musicast/ingest/radio-port.ts';
import { ErrorCode } from '../../../../src/core/errors.ts';
import { needs } from '../../../support/prerequisite.ts';
import { testCertificate, type TestCertificate } from '../../../support/test-certificate.ts';
import { FakeStation, startTestPort } from './fake-station.ts';

/** ffmpeg's input and encoding: a sine of `seconds` to 128 kbit/s MP3. */
const encode = (seconds: number): string[] => ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'];

/** Runs ffmpeg pushing `seconds` of sine in real time to `url` with `extra` options; resolves with its exit code and stderr. */
function push(url: string, seconds: number, extra: string[] = []): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-re', ...encode(seconds), ...extra, url], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

needs({ commands: ['ffmpeg'] }).describe('ffmpeg pushing to the radio port', { timeout: 60_000 }, () => {
  const station = new FakeStation({ '/live': { user: 'source', password: 'PASS' }, '/old': { user: 'source', password: 'PASS' } });
  let port: RadioPort;
  let tlsPort: RadioPort;
  let cert: TestCertificate;
  let url: (mount: string, password?: string, at?: string) => string;

  before(async () => {
    cert = testCertificate();
    port = await startTestPort(station);
    tlsPort = await startTestPort(station, {}, { key: cert.key, cert: cert.cert });
    url = (mount, password = 'PASS', at = String(port.address.port)) => `icecast://source:${password}@127.0.0.1:${at}${mount}`;
  });
  after(async () => {
    await port.close();
    await tlsPort.close();
    rmSync(cert.dir, { recursive: true, force: true });
  });

  it('delivers every byte ffmpeg encodes, and the source ends as closed', async () => {
    const [pushed, reference] = await Promise.all([push(url('/live'), 2), promisify(execFile)('ffmpeg', [...encode(2), 'pipe:1'], { encoding: 'buffer' })]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const sink = station.opened[0]!.sink;
    assert.equal(await sink.ended, 'closed');
    assert.ok(reference.stdout.length > 30_000, `${reference.stdout.length} bytes for 2 s at 128 kbit/s`);
    assert.equal(sink.bytes.length, reference.stdout.length);
    assert.ok(sink.bytes.equals(reference.stdout), 'the same bytes');
    assert.deepEqual(station.opened[0]!.info, { remote: station.opened[0]!.info.remote, contentType: 'audio/mpeg', userAgent: station.opened[0]!.info.userAgent, icePublic: false });
    assert.match(station.opened[0]!.info.userAgent ?? '', /^Lavf\//);
  });

  it('takes the legacy SOURCE method (-legacy_icecast 1) with its Ice-* fields', async () => {
    const r = await push(url('/old'), 1, ['-legacy_icecast', '1', '-ice_name', 'Test Station', '-ice_genre', 'Jazz', '-ice_public', '1']);
    assert.equal(r.code, 0, r.stderr);
    const opened = station.opened.find((o) => o.mount === '/old')!;
    assert.equal(await opened.sink.ended, 'closed');
    assert.ok(opened.sink.bytes.length > 10_000);
    assert.equal(opened.info.iceName, 'Test Station');
    assert.equal(opened.info.iceGenre, 'Jazz');
    assert.equal(opened.info.icePublic, true);
  });

  it('fails ffmpeg on a wrong password (401), a -content_type that is not MP3 (415) and a second source while the first is live (409)', async () => {
    const wrong = await push(url('/live', 'WRONG'), 1);
    assert.notEqual(wrong.code, 0);
    assert.equal(port.counters.refused[ErrorCode.INGEST_AUTH], 1);
    const ogg = await push(url('/live'), 1, ['-content_type', 'application/ogg']);
    assert.notEqual(ogg.code, 0);
    assert.equal(port.counters.refused[ErrorCode.INGEST_TYPE], 1);
    const first = push(url('/live'), 3);
    await station.nth(2);
    const second = await push(url('/live'), 1);
    assert.notEqual(second.code, 0);
    assert.equal(port.counters.refused[ErrorCode.INGEST_BUSY], 1);
    assert.equal((await first).code, 0);
    assert.equal(await station.opened[2]!.sink.ended, 'closed');
  });

  it('takes a source over TLS (-tls 1)', async () => {
    const r = await push(url('/live', 'PASS', String(tlsPort.address.port)), 1, ['-tls', '1']);
    assert.equal(r.code, 0, r.stderr);
    const sink = station.opened.at(-1)!.sink;
    assert.equal(await sink.ended, 'closed');
    assert.ok(sink.bytes.length > 10_000, `${sink.bytes.length} bytes over TLS`);
  });
});
