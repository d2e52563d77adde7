/**
 * A serving process and everything it started (icecast2 under runuser, a node and its ffmpeg transcoders), read
 * from /proc: CPU seconds (utime + stime), resident memory, and a stop by PID that reaches the whole tree. Plus
 * the kernel's TCP listen-queue counters, which say whether a server's accept backlog overflowed.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds } from '../bench-dataplane/procs.ts';

/** Most processes a tree may have (bounds the /proc walk). */
const MAX_TREE = 64;

/** Fields of /proc/<pid>/stat after the command name (field 3 onwards), or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `root` and its descendants now (at most MAX_TREE), root first. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1]);
    if (Number.isInteger(ppid)) parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const out = [root];
  for (let i = 0; i < out.length && out.length < MAX_TREE; i++) out.push(...(parents.get(out[i] as number) ?? []));
  return out.slice(0, MAX_TREE);
}

/** CPU seconds (user + system) used so far by each process of `pids` that is still there. */
export function cpuByPid(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const s = processCpuSeconds(pid);
    if (Number.isFinite(s)) out.set(pid, s);
  }
  return out;
}

/** CPU seconds the processes in `after` used since `before` (a process new since then counts from 0). */
export function cpuSince(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}

/** Resident memory of `pids` now, bytes (VmRSS; processes gone count 0). */
export function rssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += m ? Number(m[1]) * 1024 : 0;
    } catch {
      // gone
    }
  }
  return total;
}

/** Sends `signal` to every process of `pids` still there, leaves first (by PID, never by name). */
export function signalTree(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of [...pids].reverse()) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The kernel's counters of refused connection attempts: accept queue full (ListenOverflows) and SYNs dropped (ListenDrops). */
export interface ListenCounters {
  readonly overflows: number;
  readonly drops: number;
}

/** Reads ListenOverflows and ListenDrops from /proc/net/netstat (NaN where missing). */
export function listenCounters(): ListenCounters {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/).map(Number);
    const get = (k: string): number => (names.indexOf(k) >= 0 ? (values[names.indexOf(k)] as number) : NaN);
    return { overflows: get('ListenOverflows'), drops: get('ListenDrops') };
  } catch {
    return { overflows: NaN, drops: NaN };
  }
}
