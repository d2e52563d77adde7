import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { JobProgress } from '../../../src/cli/progress-lines.ts';
import { ScError } from '../../../src/core/errors.ts';
import { runJobs, type Job, type JobResult } from '../../../src/sim/experiments/pool.ts';
import { DEFAULT_SCENARIO, type ScenarioOptions, type ScenarioResult } from '../../../src/sim/scenario.ts';

const tiny = (seed: number): ScenarioOptions => ({ ...DEFAULT_SCENARIO, routers: 100, scx: 8, maxTimeS: 120, stableWindowS: 30, seed });

/** Six small jobs of different sizes, so that longest-first hands them out in another order than given. */
const JOBS: Job[] = [1, 2, 3, 4, 5, 6].map((k) => ({
  id: `tiny-${k}`,
  options: { ...tiny(k), scx: k % 2 === 0 ? 12 : 8 },
}));

/** A result without its wall-clock time, the one field that may differ between identical runs. */
function virtual(r: ScenarioResult): Omit<ScenarioResult, 'wallMs'> {
  const { wallMs: _wall, ...rest } = r;
  return rest;
}

/** Runs `node` with `args` and resolves to its exit status, signal and output. */
function node(args: string[], timeoutMs: number): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

describe('experiment pool', () => {
  it('gives the same results in job order on 2 worker threads as in this thread', async () => {
    const seen: Array<[number, number, string]> = [];
    const threaded = await runJobs(JOBS, { workers: 2, onDone: (done, total, last) => seen.push([done, total, last.id]) });
    const inline = await runJobs(JOBS, { workers: 0 });
    assert.deepEqual(threaded.map((r) => r.id), JOBS.map((j) => j.id));
    assert.deepEqual(inline.map((r) => r.id), JOBS.map((j) => j.id));
    for (let k = 0; k < JOBS.length; k++) {
      const a = threaded[k] as JobResult;
      const b = inline[k] as JobResult;
      assert.equal(a.result.seed, JOBS[k]?.options.seed);
      assert.deepEqual(virtual(a.result), virtual(b.result));
    }
    assert.deepEqual(seen.map(([done, total]) => [done, total]), JOBS.map((_, k) => [k + 1, JOBS.length]));
    assert.deepEqual(seen.map(([, , id]) => id).sort(), JOBS.map((j) => j.id).sort());
  });

  it('rejects with the failing job named, on worker threads and in this thread', async () => {
    const jobs: Job[] = [...JOBS.slice(0, 3), { id: 'too-many-scx', options: { ...tiny(9), scx: 500 } }];
    for (const workers of [2, 0]) {
      await assert.rejects(runJobs(jobs, { workers }), (err: unknown) => {
        assert.ok(err instanceof ScError, `workers=${workers}: ${String(err)}`);
        assert.equal(err.code, 'ERR_USAGE');
        assert.match(err.message, /too-many-scx/);
        assert.match(err.message, /500 SCXs do not fit/);
        return true;
      });
    }
  });

  it('handles no jobs and refuses a bad worker count', async () => {
    assert.deepEqual(await runJobs([], { workers: 2 }), []);
    await assert.rejects(runJobs(JOBS, { workers: -1 }), RangeError);
    await assert.rejects(runJobs(JOBS, { workers: 1.5 }), RangeError);
  });

  it('loads its TypeScript workers when tsx was registered at run time (as bin/scattercast.js does), and lets the process exit', async () => {
    // This file itself runs under `node --import tsx`; here the other way of loading TypeScript, in a fresh process.
    const pool = new URL('../../../src/sim/experiments/pool.ts', import.meta.url).href;
    const scenario = new URL('../../../src/sim/scenario.ts', import.meta.url).href;
    const script = `
      const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
      register();
      const { runJobs } = await import(${JSON.stringify(pool)});
      const { DEFAULT_SCENARIO } = await import(${JSON.stringify(scenario)});
      const tiny = (seed) => ({ ...DEFAULT_SCENARIO, routers: 100, scx: 8, maxTimeS: 120, stableWindowS: 30, seed });
      const ok = await runJobs([{ id: 'a', options: tiny(1) }, { id: 'b', options: tiny(2) }], { workers: 2 });
      let failure = null;
      try {
        await runJobs([{ id: 'fine', options: tiny(3) }, { id: 'too-many-scx', options: { ...tiny(4), scx: 500 } }], { workers: 2 });
      } catch (err) {
        failure = err.message;
      }
      console.log(JSON.stringify({ ok: ok.map((r) => r.id), failure }));`;
    // No process.exit() in the script: a worker left running would keep it alive until the timeout kills it.
    const r = await node(['--input-type=module', '-e', script], 30000);
    assert.equal(r.signal, null, `the process did not exit by itself: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ok: string[]; failure: string | null };
    assert.deepEqual(out.ok, ['a', 'b']);
    assert.match(out.failure ?? '', /too-many-scx/);
  });
});

describe('job progress', () => {
  function fake(tty: boolean): { stream: { isTTY: boolean; write(s: string): boolean }; text: () => string; clock: { ms: number } } {
    const chunks: string[] = [];
    return {
      stream: { isTTY: tty, write: (s: string) => chunks.push(s) > 0 },
      text: () => chunks.join(''),
      clock: { ms: 0 },
    };
  }

  it('prints plain lines at most once a second, and always the last one, without a terminal', () => {
    const f = fake(false);
    const p = new JobProgress('fig10', 4, { stream: f.stream, now: () => f.clock.ms });
    f.clock.ms = 100;
    p.jobDone(1, 4, 'scx=200 seed=7', 3100);
    f.clock.ms = 600;
    p.jobDone(2, 4, 'scx=200 seed=8', 3000);
    f.clock.ms = 1200;
    p.jobDone(3, 4, 'scx=200 seed=9', 2000);
    f.clock.ms = 1300;
    p.jobDone(4, 4, 'scx=200 seed=10', 1000);
    p.finish();
    assert.equal(
      f.text(),
      '[1/4] fig10 scx=200 seed=7 done (3.1 s)\n[3/4] fig10 scx=200 seed=9 done (2.0 s)\n[4/4] fig10 scx=200 seed=10 done (1.0 s)\n',
    );
  });

  it('draws one bar with done/total, elapsed and ETA on a terminal', () => {
    const f = fake(true);
    const p = new JobProgress('sweep', 4, { stream: f.stream, now: () => f.clock.ms, tickMs: 0 });
    f.clock.ms = 30000;
    p.jobDone(1, 4, 'seed=1');
    assert.match(f.text(), /^\rsweep \[#{6}-{18}\] 1\/4 elapsed 30s ETA 1m30s {2}seed=1\x1b\[K$/);
    p.finish();
    assert.ok(f.text().endsWith('\r\x1b[K'));
  });
});
