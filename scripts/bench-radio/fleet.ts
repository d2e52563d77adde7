/**
 * The listeners' side of one measurement: child processes of light clients (listeners.ts, at most MAX_SOCKETS
 * each), started with the fd limit raised to the hard limit, connecting from their own loopback addresses at a
 * bounded total rate; their figures merged into one FleetResult.
 */

import type { ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild } from '../bench-dataplane/procs.ts';
import { quantileSorted } from '../bench-dataplane/util.ts';
import { MAX_SOCKETS, type ListenersCommand, type ListenersEvent, type ListenersResult } from './listeners.ts';
import { progress } from './log.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '../..');
/** Loopback addresses each child connects from (each has its own ephemeral port range). */
const ADDRESSES_PER_CHILD = 8;

/** Where listeners tune in. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly mount: string;
}

/** Options of a fleet. */
export interface FleetOptions {
  /** Servers (cluster members) to spread the listeners over, round robin. */
  readonly targets: readonly Endpoint[];
  readonly count: number;
  /** Connects per second over the whole fleet. */
  readonly ratePerS: number;
  /** A listener without a whole 200 header this long after its connect counts as failed, ms. */
  readonly headerTimeoutMs: number;
  /** The stream's rate, bytes/s: a listener keeps up when it got >= 99% of rate x window. */
  readonly streamBytesPerS: number;
}

/** Latency quantiles over the listeners that got there, ms. */
export interface Quantiles {
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

/** What a fleet measured. */
export interface FleetResult {
  readonly requested: number;
  /** Listeners that got a 200 header and body bytes. */
  readonly streaming: number;
  /** Listeners that never streamed (refused, reset, timed out, not 200). */
  readonly failed: number;
  /** Listeners the server closed after they had started streaming. */
  readonly cut: number;
  /** Listeners that got >= 99% of the expected bytes over the window (of `requested`). */
  readonly keepingUp: number;
  /** Listeners with >= 99 % of the stream's bytes over the wall-clock window itself (edges not aligned to reads). */
  readonly keepingUpWall: number;
  /** Median of the rates over the window of the listeners that streamed, bytes/s. */
  readonly medianBytesPerS: number;
  /** The slowest 1% of those rates (1st percentile), bytes/s. */
  readonly p1BytesPerS: number;
  readonly windowS: number;
  readonly firstByteMs: Quantiles;
  readonly firstFrameMs: Quantiles;
  readonly errors: Record<string, number>;
}

let nextAddress = 0;

/** Fresh loopback addresses, 127.77.x.y, never the same twice in a run (their ports in TIME_WAIT do not matter). */
function loopbackAddresses(n: number): string[] {
  return Array.from({ length: n }, () => {
    const k = nextAddress++;
    return `127.77.${Math.floor(k / 250) % 256}.${(k % 250) + 1}`;
  });
}

/** One child and the events it sent that nobody has taken yet. */
class Child {
  private readonly inbox: ListenersEvent[] = [];
  private wake: (() => void) | undefined;

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (e: ListenersEvent) => {
      if (e.type === 'progress') this.last = e;
      else this.inbox.push(e);
      this.wake?.();
    });
    proc.once('exit', () => this.wake?.());
  }

  /** The child's last progress. */
  last: Extract<ListenersEvent, { type: 'progress' }> | undefined;

  send(c: ListenersCommand): void {
    if (this.proc.connected) this.proc.send(c);
  }

  /** The next event of `type`; rejects after `timeoutMs` or when the child exits. */
  async next<T extends ListenersEvent['type']>(type: T, timeoutMs: number): Promise<Extract<ListenersEvent, { type: T }>> {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((e) => e.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Extract<ListenersEvent, { type: T }>;
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`listeners child ${this.proc.pid} exited`);
      const left = until - performance.now();
      if (left <= 0) throw new Error(`listeners child ${this.proc.pid}: no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 1000));
        this.wake = () => {
          clearTimeout(t);
          res();
        };
      });
      this.wake = undefined;
    }
  }
}

/** Listeners in child processes, connected and streaming. */
export class ListenerFleet {
  private constructor(
    private readonly o: FleetOptions,
    private readonly children: readonly Child[],
  ) {}

  /** Spawns ceil(count / MAX_SOCKETS) children and connects every listener; resolves once each streams or failed. */
  static async start(o: FleetOptions): Promise<ListenerFleet> {
    const n = Math.max(1, Math.ceil(o.count / MAX_SOCKETS));
    const script = join(HERE, 'listeners.ts');
    const children = Array.from({ length: n }, () => {
      const proc = spawnTracked('bash', ['-c', 'ulimit -n hard && exec "$0" "$@"', process.execPath, '--import', 'tsx', script], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      return new Child(proc);
    });
    const fleet = new ListenerFleet(o, children);
    try {
      children.forEach((c, i) =>
        c.send({
          type: 'connect',
          targets: o.targets,
          count: Math.floor(o.count / n) + (i < o.count % n ? 1 : 0),
          localAddresses: loopbackAddresses(ADDRESSES_PER_CHILD),
          ratePerS: o.ratePerS / n,
          headerTimeoutMs: o.headerTimeoutMs,
        }),
      );
      const rampMs = (o.count / o.ratePerS) * 1000;
      const ticker = setInterval(() => {
        const started = children.reduce((a, c) => a + (c.last?.started ?? 0), 0);
        const streaming = children.reduce((a, c) => a + (c.last?.streaming ?? 0), 0);
        const failed = children.reduce((a, c) => a + (c.last?.failed ?? 0), 0);
        progress(`  listeners: ${started} connecting, ${streaming} streaming, ${failed} failed of ${o.count}`);
      }, 5000);
      try {
        await Promise.all(children.map((c) => c.next('connected', rampMs + o.headerTimeoutMs + 30_000)));
      } finally {
        clearInterval(ticker);
      }
      return fleet;
    } catch (err) {
      await fleet.stop();
      throw err;
    }
  }

  /** The children's PIDs (their CPU is the clients' cost, not the server's). */
  pids(): number[] {
    return this.children.flatMap((c) => (c.proc.pid === undefined ? [] : [c.proc.pid]));
  }

  /** Starts the window in every child. */
  mark(): void {
    for (const c of this.children) c.send({ type: 'mark' });
  }

  /** Ends the window: every child's figures, merged. */
  async report(): Promise<FleetResult> {
    for (const c of this.children) c.send({ type: 'report' });
    const parts = await Promise.all(this.children.map(async (c) => (await c.next('report', 30_000)).result));
    return merge(parts, this.o);
  }

  /** Tells every child to close its sockets and exit; stops any that lingers, by PID. */
  async stop(): Promise<void> {
    for (const c of this.children) c.send({ type: 'stop' });
    await Promise.all(this.children.map((c) => stopChild(c.proc, 5000)));
  }
}

/** A listener whose last read is older than this at the window's end is not keeping up, ms (two 500-ms batches). */
const RECENT_READ_MS = 1000;

/** The children's figures as one. */
export function merge(parts: readonly ListenersResult[], o: Pick<FleetOptions, 'count' | 'streamBytesPerS'>): FleetResult {
  const firstByte: number[] = [];
  const firstFrame: number[] = [];
  const rates: number[] = [];
  const errors: Record<string, number> = {};
  let keepingUp = 0;
  let keepingUpWall = 0;
  let streaming = 0;
  let cut = 0;
  for (const p of parts) {
    const expected = (o.streamBytesPerS * p.windowMs) / 1000;
    p.windowBytes.forEach((b, i) => {
      if (b >= 0.99 * expected) keepingUpWall++;
      // Keeping up: a read within the window's last RECENT_READ_MS, and >= 99 % of the stream's bytes over the span
      // between its reads nearest the window's edges (a batching server's bytes come a batch at a time).
      const span = p.spanMs[i] as number;
      if ((p.silentMs[i] as number) <= RECENT_READ_MS && span >= p.windowMs / 2 && b >= (0.99 * o.streamBytesPerS * span) / 1000) keepingUp++;
      if (Number.isFinite(p.firstByteMs[i])) rates.push((b * 1000) / p.windowMs);
    });
    firstByte.push(...p.firstByteMs.filter(Number.isFinite));
    firstFrame.push(...p.firstFrameMs.filter(Number.isFinite));
    streaming += p.firstByteMs.filter(Number.isFinite).length;
    cut += p.cut;
    for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  const q = (xs: number[]): Quantiles => {
    const s = Float64Array.from(xs).sort();
    return { p50: quantileSorted(s, 0.5), p99: quantileSorted(s, 0.99), n: s.length };
  };
  const sortedRates = Float64Array.from(rates).sort();
  return {
    requested: o.count,
    streaming,
    failed: o.count - streaming,
    cut,
    keepingUp,
    keepingUpWall,
    medianBytesPerS: quantileSorted(sortedRates, 0.5),
    p1BytesPerS: quantileSorted(sortedRates, 0.01),
    windowS: Math.max(...parts.map((p) => p.windowMs)) / 1000,
    firstByteMs: q(firstByte),
    firstFrameMs: q(firstFrame),
    errors,
  };
}
