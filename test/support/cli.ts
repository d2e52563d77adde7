import { spawn, spawnSync } from 'node:child_process';

/** What a `scattercast` command run said and how it ended. */
export interface CliResult {
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * Starts `scattercast ARGS` without blocking this process (the servers it talks to may run here), stderr
 * captured, stdout ignored; resolves when it exits, killing it after `killAfterMs` if it has not.
 */
export function runCli(args: readonly string[], killAfterMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/scattercast.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const kill = setTimeout(() => child.kill(), killAfterMs);
    child.on('exit', (status) => {
      clearTimeout(kill);
      resolve({ status, stderr });
    });
  });
}

/** Runs `scattercast ARGS` to its end, blocking (for commands that need no server in this process); stdout and stderr captured. */
export function runCliSync(args: readonly string[], timeoutMs = 60_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/scattercast.js', ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
