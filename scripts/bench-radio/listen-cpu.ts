/**
 * CPU of the listener edge alone: a MountListeners in a child process (listen-hub.ts) serving N loopback players of
 * a 128 kbit/s stream, with and without ICY metadata; prints the hub's CPU (share of one core, from /proc), its RSS
 * per listener, and the share of players keeping up (>= 99% of 16000 bytes/s over the window less one batch).
 *
 *   node --import tsx scripts/bench-radio/listen-cpu.ts [--listeners 1000,5000] [--metadata no,yes] [--seconds 30] [--batch-ms 500]
 *
 * The players live in this process (raw sockets that count bytes); their CPU is not the hub's and is not counted,
 * but it shares the machine: the line also says how busy the rest of the machine was.
 */

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanup, installCleanupHandlers, processCpuSeconds, selfCpuSeconds, spawnTracked, stopChild, systemCpu } from '../bench-dataplane/procs.ts';
import { rssBytes } from './proc-tree.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Audio bytes per second of the stream (128 kbit/s). */
const STREAM_BYTES_PER_S = 16_000;

/** Players connected per second at most (the listen backlog is 4096). */
const CONNECTS_PER_S = 1000;

/** Seconds between the last connect and the window. */
const WARMUP_S = 3;

/** Socket errors of the players, by code. */
const errors = new Map<string, number>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Player {
  socket: Socket;
  bytes: number;
}

/** CPU seconds a process has spent in user space and in the kernel, from /proc/PID/stat. */
function userSystem(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** Connects `n` players (with `Icy-MetaData: 1` when `metadata`); resolves once every one has its first bytes, or after 60 s. */
async function players(port: number, n: number, metadata: boolean): Promise<Player[]> {
  const all: Player[] = [];
  const request = `GET /live HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\nIcy-MetaData: ${metadata ? 1 : 0}\r\n\r\n`;
  for (let i = 0; i < n; i++) {
    const p: Player = { socket: connect(port, '127.0.0.1'), bytes: 0 };
    p.socket.on('data', (d: Buffer) => {
      p.bytes += d.length;
    });
    p.socket.on('error', (err: NodeJS.ErrnoException) => errors.set(err.code ?? err.message, (errors.get(err.code ?? err.message) ?? 0) + 1));
    p.socket.write(request);
    all.push(p);
    if (i % 20 === 19) await sleep((20 / CONNECTS_PER_S) * 1000);
  }
  const deadline = performance.now() + 60_000;
  while (all.some((p) => p.bytes === 0) && performance.now() < deadline) await sleep(200);
  return all;
}

/** One measurement: the hub's CPU over `seconds` with `n` players. */
async function measure(n: number, metadata: boolean, seconds: number, batchMs: number): Promise<string> {
  errors.clear();
  const hub = spawnTracked(process.execPath, ['--import', 'tsx', join(HERE, 'listen-hub.ts'), String(batchMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const [ready] = (await once(hub, 'message')) as [{ port: number }];
    const idleRss = rssBytes([hub.pid!]);
    const ps = await players(ready.port, n, metadata);
    await sleep(WARMUP_S * 1000);
    const pid = hub.pid!;
    hub.send({ type: 'mark' });
    const machine = systemCpu([pid]);
    const before = ps.map((p) => p.bytes);
    const cpu0 = processCpuSeconds(pid);
    const split0 = userSystem(pid);
    const self0 = selfCpuSeconds();
    const t0 = performance.now();
    const perSecond: number[] = [];
    let last = cpu0;
    for (let s = 0; s < seconds; s++) {
      await sleep(1000);
      const now = processCpuSeconds(pid);
      perSecond.push(now - last);
      last = now;
    }
    const wallS = (performance.now() - t0) / 1000;
    const cores = (last - cpu0) / wallS;
    const split1 = userSystem(pid);
    const userShare = (split1.user - split0.user) / (split1.user - split0.user + split1.system - split0.system);
    const playersCores = (selfCpuSeconds() - self0) / wallS;
    const m = machine();
    const streaming = ps.filter((p) => p.bytes > 0).length;
    const rates = ps.map((p, i) => (p.bytes - before[i]!) / wallS).sort((a, b) => a - b);
    // A window's edges fall between two batched writes: a player may be one batch short without falling behind.
    const keepingUp = ps.filter((p, i) => p.bytes - before[i]! >= 0.99 * STREAM_BYTES_PER_S * (wallS - batchMs / 1000)).length;
    hub.send({ type: 'stats' });
    const [stats] = (await once(hub, 'message')) as [{ listeners: number; cut: number; lateP99Ms: number; lateMaxMs: number }];
    const rss = rssBytes([pid]);
    for (const p of ps) p.socket.destroy();
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    return [
      `${String(n).padStart(6)} listeners, metadata ${metadata ? 'yes' : 'no '}, batchMs ${batchMs}:`,
      `hub CPU ${pct(cores)} of a core (per second ${pct(Math.min(...perSecond))}..${pct(Math.max(...perSecond))}; user ${pct(userShare)} of it),`,
      `RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${((rss - idleRss) / n / 1024).toFixed(1)} KiB/listener over the idle hub),`,
      `hub event loop late p99 ${stats.lateP99Ms.toFixed(0)} ms, max ${stats.lateMaxMs.toFixed(0)} ms,`,
      `streaming ${streaming}/${n}, bytes/s min ${rates[0]!.toFixed(0)} median ${rates[rates.length >> 1]!.toFixed(0)}, keeping up ${keepingUp}/${n}, cut ${stats.cut}, connected at the hub ${stats.listeners},`,
      `player errors ${JSON.stringify(Object.fromEntries(errors))};`,
      `players' process ${pct(playersCores)}, rest of the machine ${m.otherCores.toFixed(2)} cores busy`,
    ].join(' ');
  } finally {
    await stopChild(hub, 2000);
  }
}

const USAGE = `usage: node --import tsx scripts/bench-radio/listen-cpu.ts [options]

The listener edge alone: one MountListeners in a child process serving N loopback players of a 128 kbit/s stream.

  --listeners L  player counts, comma-separated (default 1000,5000)
  --metadata L   no, yes or both, comma-separated: players asking for ICY metadata (default no,yes)
  --seconds S    measurement window, seconds (default 30)
  --batch-ms L   the hub's write batching, ms, comma-separated (default 500, MusiCast's default)
  --help         this text`;

async function main(): Promise<void> {
  installCleanupHandlers();
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        listeners: { type: 'string', default: '1000,5000' },
        metadata: { type: 'string', default: 'no,yes' },
        seconds: { type: 'string', default: '30' },
        'batch-ms': { type: 'string', default: '500' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) return console.log(USAGE);
  const counts = values.listeners.split(',').map(Number);
  const modes = values.metadata.split(',').map((m) => m === 'yes');
  const seconds = Number(values.seconds);
  const batches = values['batch-ms'].split(',').map(Number);
  const bad = [...counts.filter((n) => !(Number.isInteger(n) && n >= 1 && n <= 20_000)), ...batches.filter((b) => !(b >= 1 && b <= 10_000))];
  if (bad.length > 0 || !(seconds >= 1 && seconds <= 600)) {
    console.error(`bad value: listeners 1..20000, batch-ms 1..10000, seconds 1..600\n\n${USAGE}`);
    process.exit(2);
  }
  for (const n of counts) {
    for (const metadata of modes) for (const batchMs of batches) console.log(await measure(n, metadata, seconds, batchMs));
  }
  await cleanup();
}

main().catch(async (err: unknown) => {
  console.error(`listen-cpu: ${(err as Error).message}`);
  await cleanup();
  process.exit(1);
});
