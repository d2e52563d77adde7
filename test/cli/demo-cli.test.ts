/**
 * `scattercast demo`, the README's main command, run as a user runs it: it must show a session flowing from the
 * source through at least 6 SCXs in 3 clusters to a client within 10 s, serve the dashboard it prints, and on
 * Ctrl-C stop everything with status 0, leaving no process and no open port behind.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import type { DashboardSnapshot } from '../../src/dashboard/snapshot.ts';
import { runCli } from '../support/cli.ts';

/** Whether a TCP port on 127.0.0.1 can be listened on again. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('scattercast demo', { timeout: 90_000 }, () => {
  it('flows end to end within 10 s, serves its dashboard, and Ctrl-C leaves nothing behind', async (t) => {
    const spawnedAt = performance.now();
    const demo = spawn(process.execPath, ['bin/scattercast.js', 'demo', '--dashboard-port', '0', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    demo.stdout.on('data', (b: Buffer) => (out += b.toString()));
    demo.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/flowing .* → client/.test(out) && Date.now() < deadline && demo.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const sinceSpawn = (performance.now() - spawnedAt) / 1000;
      const m = /flowing ([\d.]+) s after start: source → (\d+) SCXs? in (\d+) clusters? → client/.exec(out);
      assert.ok(m, `no "flowing" line:\n${out}\n${err}`);
      t.diagnostic(`flowing ${m[1]} s after the demo started (${sinceSpawn.toFixed(1)} s after spawn, process start included); ${m[2]} SCXs in ${m[3]} clusters`);
      assert.ok(Number(m[1]) <= 10, 'flowing within 10 s');
      assert.ok(Number(m[2]) >= 6 && Number(m[3]) === 3, 'through at least 6 SCXs in 3 clusters');

      const url = /dashboard\s+(http:\/\/\S+\/dashboard\/)/.exec(out)?.[1];
      assert.ok(url, `no dashboard URL:\n${out}`);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<svg[^>]+id="graph"/);
      const snap = (await (await fetch(new URL('/v1/snapshot', url))).json()) as DashboardSnapshot;
      assert.equal(snap.clusters.length, 3);
      assert.equal(snap.nodes.length, 9);
      assert.ok((snap.receivers[0]?.packets ?? 0) > 0, 'the client receives');
      const ports = [...out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((x) => Number(x[1]));
      assert.ok(ports.length >= 9 + 3 + 1);

      // tsx's esbuild service is a child only when tsx's cache was cold (the first run after a source changed): tsx's, not the demo's.
      const children = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(demo.pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((line) => line.trim() !== '' && !/\besbuild$/.test(line.trim()));
      assert.deepEqual(children, [], 'the demo runs everything in its own process: no child to leave behind');
      demo.kill('SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
      assert.equal(code, 0, `exit status after Ctrl-C:\n${out}\n${err}`);
      assert.match(out, /stopped; nothing is left running\./);
      for (const port of new Set(ports)) assert.ok(await portFree(port), `port ${port} still taken after the demo stopped`);
    } finally {
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
  });
  it('refuses bad flags and a taken --dashboard-port with one line, exit 2, and nothing left running', async () => {
    const run = (...args: string[]) => runCli(['demo', ...args]);
    const bad: Array<[string[], RegExp]> = [
      [['--clusters', '9'], /^scattercast: --clusters must be an integer in 1\.\.8, got '9' \(ERR_USAGE\)\n$/],
      [['--nodes', '0'], /^scattercast: --nodes must be an integer in 1\.\.8, got '0' \(ERR_USAGE\)\n$/],
      [['--rate', 'fast'], /^scattercast: --rate must be an integer in 1\.\.10000, got 'fast' \(ERR_USAGE\)\n$/],
      [['--log-level', 'loud'], /argument 'loud' is invalid\. Allowed choices are debug, info, warn, error/],
    ];
    for (const [args, said] of bad) {
      const r = await run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, said);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const r = await run('--dashboard-port', String(port));
    taken.close();
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /dashboard cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE.* \(ERR_LISTEN_FAILED\)\n$/);
  });
});
