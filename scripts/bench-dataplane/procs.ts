/**
 * Child processes and cleanup: every child is tracked by PID and stopped by PID, every socket owner registers
 * a closer. On Ctrl-C, SIGTERM, an error or a normal exit the same cleanup runs, bounded in time.
 */

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

const children = new Set<ChildProcess>();
const closers = new Set<() => void | Promise<void>>();

/** Spawns a tracked child (no shell). */
export function spawnTracked(cmd: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** Whether the child has not exited yet. */
export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal` to the child by its PID (never by name). */
function signalPid(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || !alive(child)) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited (bounded). */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!alive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalPid(child, 'SIGTERM');
  const timer = setTimeout(() => signalPid(child, 'SIGKILL'), graceMs);
  await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, graceMs + 2000))]);
  clearTimeout(timer);
}

/** Registers something to close at cleanup; returns a function that unregisters it. */
export function onCleanup(close: () => void | Promise<void>): () => void {
  closers.add(close);
  return () => closers.delete(close);
}

let cleaning: Promise<void> | undefined;

/** Closes every registered socket owner and stops every child (bounded to a few seconds). */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const close of [...closers]) {
      try {
        await close();
      } catch {
        // best effort
      }
    }
    closers.clear();
    await Promise.all([...children].map((c) => stopChild(c, 1500)));
  })();
  return cleaning;
}

/** Installs the handlers: Ctrl-C and SIGTERM clean up and exit; at exit, any child left is killed by PID. */
export function installCleanupHandlers(): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n[bench-dataplane] ${signal}: stopping children and closing sockets\n`);
    const hardExit = setTimeout(() => process.exit(130), 6000);
    hardExit.unref();
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const c of children) signalPid(c, 'SIGKILL');
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where unavailable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds this process has used so far. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU use over a window: of the whole machine, of the given processes plus this one, and of every other. */
export interface CpuWindow {
  /** Busy cores of the whole machine (user, system, irq, softirq, steal). */
  readonly machineCores: number;
  /** Cores used by the watched processes and this one. */
  readonly ownCores: number;
  /** Cores used by everything else: other work on the machine that disturbs the figures. */
  readonly otherCores: number;
}

function machineJiffies(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** Starts a CPU window over the machine and `pids` (plus this process); call the result to end it. */
export function systemCpu(pids: readonly number[]): () => CpuWindow {
  const t0 = performance.now();
  const m0 = machineJiffies();
  const own0 = pids.reduce((a, p) => a + processCpuSeconds(p), selfCpuSeconds());
  return () => {
    const secs = (performance.now() - t0) / 1000;
    const m1 = machineJiffies();
    const own1 = pids.reduce((a, p) => a + processCpuSeconds(p), selfCpuSeconds());
    const machineCores = ((m1.busy - m0.busy) / 100) / secs;
    const ownCores = (own1 - own0) / secs;
    return { machineCores, ownCores, otherCores: Math.max(0, machineCores - ownCores) };
  };
}
