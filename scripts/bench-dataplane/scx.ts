/**
 * The SCX under test: the real daemon (`scattercast node --config FILE`) in its own child process, with a
 * config file written to a temporary folder. Ready once it prints its "scattercast node ...: N session(s)" line.
 * For diagnosis, BENCH_SCX_PRELOAD=FILE runs the daemon with `--import FILE` and passes its stderr through.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { alive, onCleanup, processCpuSeconds, spawnTracked, stopChild } from './procs.ts';

/** The repository root (scripts/bench-dataplane/ is two levels down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The node config the bench writes (fields of src/daemon/node-config.ts). */
export interface ScxConfig {
  readonly listen: string;
  /** Where the daemon serves /metrics (read for its own counters: packets, drops by reason). */
  readonly admin: string;
  readonly seed: number;
  readonly logLevel: 'warn';
  readonly gossamer: Readonly<Record<string, number>>;
  readonly sessions: ReadonlyArray<{ readonly announcement: string }>;
  /** Secure (the default) with its keys in `stateDir` (the bench's overlay), or `--insecure`. */
  readonly trust: { readonly stateDir: string } | { readonly insecure: true };
}

/** A running SCX daemon. */
export interface ScxProcess {
  readonly address: string;
  readonly port: number;
  readonly pid: number;
  /** CPU seconds the daemon has used so far. */
  cpuSeconds(): number;
  /** Its last lines of stderr (logs at warn and above). */
  stderrTail(): string;
  /** SIGTERM (it floods LEAVE and closes), SIGKILL if it lingers; removes the config folder. */
  stop(): Promise<void>;
}

/** Starts the daemon with `config`; rejects (with its stderr) if it exits or is not ready within `timeoutMs`. */
export async function startScx(config: ScxConfig, timeoutMs = 30_000): Promise<ScxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dataplane-'));
  const file = join(dir, 'scx.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const preload = process.env.BENCH_SCX_PRELOAD;
  const args = [...(preload ? ['--import', preload] : []), join(REPO_ROOT, 'bin/scattercast.js'), 'node', '--config', file];
  const child = spawnTracked(process.execPath, args, { cwd: REPO_ROOT });
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    tail.push(...s.split('\n').filter((l) => l.length > 0));
    if (preload) process.stderr.write(s);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  });
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  const unregister = onCleanup(async () => {
    await stopChild(child);
    removeDir();
  });
  try {
    await ready(child, timeoutMs, () => tail.join('\n'));
  } catch (err) {
    await stopChild(child);
    removeDir();
    unregister();
    throw err;
  }
  const port = Number(config.listen.slice(config.listen.lastIndexOf(':') + 1));
  return {
    address: config.listen,
    port,
    pid: child.pid as number,
    cpuSeconds: () => processCpuSeconds(child.pid as number),
    stderrTail: () => tail.join('\n'),
    async stop() {
      await stopChild(child);
      removeDir();
      unregister();
    },
  };
}

function ready(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(`SCX not ready after ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null): void => fail(`SCX exited with status ${code} before it was ready`);
    function fail(why: string): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(new Error(`${why}\n--- SCX stderr ---\n${stderr()}`));
    }
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (/scattercast node \S+: \d+ session/.test(out)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve();
      }
    });
    if (!alive(child)) onExit(child.exitCode);
  });
}
