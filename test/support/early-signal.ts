/**
 * A signal that comes while `scattercast` is still starting, as a supervisor's early SIGTERM does. The child is
 * started with a tiny preload that reports, on an extra pipe, the moment its first handler for the signal is
 * added; the test sends the signal right then (long before any ready line), so that the check does not depend
 * on how fast this machine starts a process. Sending it before any handler exists would only test Node's own
 * default action.
 */

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** How the command ended, and what it said. */
export interface EarlySignalResult {
  /** Exit status, null when a signal ended the process. */
  readonly status: number | null;
  /** The signal that ended the process, null when it exited. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the command had printed on stdout and stderr when the signal was sent. */
  readonly stdoutAtSignal: string;
  readonly stderrAtSignal: string;
}

/** The preload: says "handler" on fd 3 once the first handler for `signal` is in place. */
function probe(signal: NodeJS.Signals): string {
  const code =
    `import { writeSync } from 'node:fs';` +
    `process.on('newListener', function watch(event) {` +
    `  if (event !== ${JSON.stringify(signal)}) return;` +
    `  process.off('newListener', watch);` +
    // newListener fires before the handler is added; the microtask runs once it is.
    `  queueMicrotask(() => writeSync(3, 'handler\\n'));` +
    `});`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

/**
 * Starts `scattercast ARGS`, sends `signal` as soon as it has a handler for it, and resolves when it exits (killing
 * it after `killAfterMs`). Its stdin is an open pipe that nothing is written to.
 */
export function signalDuringStartup(args: readonly string[], signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 60_000): Promise<EarlySignalResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', probe(signal), 'bin/scattercast.js', ...args], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stdoutAtSignal: string | undefined;
    let stderrAtSignal = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    (child.stdio[3] as Readable).once('data', () => {
      stdoutAtSignal = stdout;
      stderrAtSignal = stderr;
      child.kill(signal);
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', () => child.stdin.destroy());
    // 'close': exited, and every pipe drained.
    child.on('close', (status, exitSignal) => {
      clearTimeout(kill);
      if (stdoutAtSignal === undefined) return reject(new Error(`the command never installed a ${signal} handler (status ${status}, signal ${exitSignal}):\n${stderr}`));
      resolve({ status, signal: exitSignal, stdout, stderr, stdoutAtSignal, stderrAtSignal });
    });
  });
}
