/**
 * `scattercast radio`, run as a user runs it: it prints a URL any player opens and an ingest URL for ffmpeg; a real
 * ffprobe reads the station's title through the overlay, a real ffmpeg decodes it without an error and pushes into
 * the ingest URL; Ctrl-C stops everything with status 0 and leaves no port behind.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { it } from 'node:test';
import type { DashboardSnapshot } from '../../src/dashboard/snapshot.ts';
import { needs } from '../support/prerequisite.ts';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function run(cmd: string, args: readonly string[], timeoutMs: number): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

needs({ commands: ['ffmpeg', 'ffprobe'] }).describe('scattercast radio', { timeout: 90_000 }, () => {
  it('prints a listener URL that players play and an ingest URL that ffmpeg pushes to, and Ctrl-C leaves nothing behind', async (t) => {
    const radio = spawn(process.execPath, ['bin/scattercast.js', 'radio', '--dashboard-port', '0', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    radio.stdout.on('data', (b: Buffer) => (out += b.toString()));
    radio.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => radio.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/Ctrl-C to stop/.test(out) && Date.now() < deadline && radio.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const listen = /listen\s+(http:\/\/\S+)/.exec(out)?.[1];
      const ingest = /push\s+ffmpeg .* (icecast:\/\/\S+)/.exec(out)?.[1];
      const dashboard = /dashboard\s+(http:\/\/\S+\/dashboard\/)/.exec(out)?.[1];
      assert.ok(listen && ingest && dashboard, `missing URLs:\n${out}\n${err}`);
      let title = '';
      for (let k = 0; k < 20 && !title.includes('Scattercast test tone'); k++) {
        title = run('ffprobe', ['-v', 'error', '-icy', '1', '-show_entries', 'format_tags=StreamTitle', '-of', 'default=nw=1', listen], 15_000).stdout;
        if (!title.includes('Scattercast test tone')) await new Promise((r) => setTimeout(r, 500));
      }
      assert.match(title, /StreamTitle=Scattercast test tone/, 'the backup tone\'s title, read in the last cluster');
      const decode = run('ffmpeg', ['-v', 'error', '-i', listen, '-t', '3', '-f', 'null', '-'], 20_000);
      assert.equal(decode.code, 0, decode.stderr);
      assert.equal(decode.stderr.trim(), '');
      const push = run('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=550:duration=2', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', ingest], 20_000);
      assert.equal(push.code, 0, `ffmpeg pushing into the printed ingest URL: ${push.stderr}`);
      const snap = (await (await fetch(new URL('/v1/snapshot', dashboard))).json()) as DashboardSnapshot;
      assert.equal(snap.nodes.length, 3);
      assert.equal(snap.receivers.length, 3, 'the players of each SCX');
      t.diagnostic(snap.receivers.map((r) => r.name).join('; '));
      const ports = [...out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((x) => Number(x[1]));
      radio.kill('SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
      assert.equal(code, 0, `exit status after Ctrl-C:\n${out}\n${err}`);
      assert.match(out, /stopped; nothing is left running\./);
      for (const port of new Set(ports)) assert.ok(await portFree(port), `port ${port} still taken after the radio stopped`);
    } finally {
      if (radio.exitCode === null) radio.kill('SIGKILL');
    }
  });
});
