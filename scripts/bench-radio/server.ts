/** What the bench needs of a radio server under test, Icecast or MusiCast (one node or a 3-cluster overlay). */

import type { ChildProcess } from 'node:child_process';
import { alive } from '../bench-dataplane/procs.ts';
import { sleep } from '../bench-dataplane/util.ts';
import type { Endpoint } from './fleet.ts';

/** The mount every server carries. */
export const MOUNT = '/live';
/** The source's user name on every server (Icecast's fixed `source`). */
export const SOURCE_USER = 'source';
/** The source's password on every server (a loopback-only bench: no secret). */
export const SOURCE_PASSWORD = 'hackme';

/** A running server. */
export interface RadioServer {
  /** How the report names it: icecast, musicast, musicast x3. */
  readonly name: string;
  /** Where the source pushes (PUT /live). */
  readonly ingest: Endpoint;
  /** Where listeners tune in: one per node. */
  readonly endpoints: readonly Endpoint[];
  /** The serving processes now, one list per node (each a process tree). */
  pids(): number[][];
  /** Stops every process of it by PID and removes its files. */
  stop(): Promise<void>;
}

/** Polls `url` until it answers 200; throws after `timeoutMs`, or at once when `child` exits, with `why()` appended. */
export async function waitHttpOk(url: string, timeoutMs: number, child: ChildProcess, why: () => string): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (!alive(child)) throw new Error(`${url}: the server exited (status ${child.exitCode ?? child.signalCode})\n${why()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    if (performance.now() > until) throw new Error(`${url}: no 200 within ${timeoutMs} ms\n${why()}`);
    await sleep(200);
  }
}
