/**
 * `bench:transport` section bulk: a 200 MB file from host 0 to 10 receivers, each in its own network namespace with
 * its own node (test/support/bulk-lan.ts), every receiver's downlink shaped to 100 Mbit/s with tc tbf and two of them
 * dropping 1% of what arrives (iptables statistic). Real `scattercast send --file` and `join --out DIR` processes.
 * Figures: every SHA-256 matches; each receiver's goodput (file bytes over the time from the sender's first chunk to
 * its verified file on disk) as a share of its bottleneck, the tbf rate (goal >= 0.8). Needs root; about 60-90 s.
 * SC_BULK_MB and SC_BULK_RECEIVERS make it smaller for a try.
 */

import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bulkLan, type BulkLan } from '../../test/support/bulk-lan.ts';
import type { Row } from './row.ts';

const MB = Number(process.env.SC_BULK_MB ?? 200);
const RECEIVERS = Number(process.env.SC_BULK_RECEIVERS ?? 10);
const MBIT = 100;
const LOSS = 0.01;
/** The receivers whose downlink also drops LOSS of what arrives. */
const LOSSY = [3, 7];
const GOAL_SHARE = 0.8;
/** How long the nodes run before the file is sent, ms. */
const SETTLE_MS = 15_000;
/** Longest the transfer may take before the section gives up, ms. */
const BOUND_MS = 240_000;

async function sha(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const b of createReadStream(path)) h.update(b as Buffer);
  return h.digest('hex');
}

export async function run(opts: { seed: number; onProgress?: (msg: string) => void }): Promise<Row[]> {
  if (process.getuid?.() !== 0) return [{ figure: 'bulk: needs root (network namespaces)', value: 'not run', goal: 'run as root', pass: false }];
  opts.onProgress?.(`bulk: ${MB} MB to ${RECEIVERS} receivers over ${MBIT} Mbit/s tbf downlinks, ${LOSS * 100}% loss at hosts ${LOSSY.join(', ')}`);
  let d: BulkLan | undefined;
  try {
    d = await bulkLan(RECEIVERS + 1, { insecure: process.env.SC_BULK_INSECURE === '1' });
    const lan = d;
    for (let i = 1; i <= RECEIVERS; i++) lan.shape(i, MBIT);
    for (const i of LOSSY) if (i <= RECEIVERS) lan.loss(i, LOSS);
    const path = lan.file(MB * 1024 * 1024, opts.seed);
    // A deployment that has run a while: the mesh formed and its first optimisation rounds done.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const want = await sha(path);
    const joins = Array.from({ length: RECEIVERS }, (_, k) => {
      const i = k + 1;
      const out = join(lan.dir, `out${i}`);
      mkdirSync(out);
      const run = lan.join(i, out);
      const finished = run.exit.then((e) => ({ ...e, at: performance.now() }));
      return { i, out, finished };
    });
    const sender = lan.send(0, path, 60);
    const t0 = await new Promise<number>((resolve, reject) => {
      sender.child.stderr?.on('data', (b: Buffer) => b.toString().includes('scattercast: sending') && resolve(performance.now()));
      void sender.exit.then((e) => reject(new Error(`the sender exited (${e.status}): ${e.stderr}`)));
    });
    const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`bulk: not done within ${BOUND_MS / 1000} s`)), BOUND_MS).unref());
    const results = await Promise.race([Promise.all(joins.map(async (j) => ({ ...j, ...(await j.finished) }))), bound]);
    sender.child.kill('SIGTERM');
    const rows: Row[] = [];
    let matched = 0;
    let worst = Infinity;
    for (const r of results) {
      const ok = r.status === 0 && (await sha(join(r.out, 'payload.bin')).catch(() => '')) === want;
      if (ok) matched++;
      const seconds = (r.at - t0) / 1000;
      const mbit = (MB * 1024 * 1024 * 8) / seconds / 1e6;
      const share = ok ? mbit / MBIT : 0;
      worst = Math.min(worst, share);
      const repaired = /(\d+) chunk\(s\) repaired/.exec(r.stderr)?.[1] ?? '?';
      const lossy = LOSSY.includes(r.i) ? `, ${LOSS * 100}% loss` : '';
      rows.push({
        figure: `bulk: receiver ${r.i} goodput / bottleneck (${MBIT} Mbit/s${lossy})`,
        value: `${share.toFixed(2)} (${mbit.toFixed(1)} Mbit/s, ${seconds.toFixed(1)} s, ${repaired} chunks repaired)`,
        goal: `>= ${GOAL_SHARE}`,
        pass: share >= GOAL_SHARE,
      });
    }
    rows.unshift({ figure: `bulk: receivers whose file's SHA-256 matches (${MB} MB)`, value: `${matched}/${RECEIVERS}`, goal: `${RECEIVERS}/${RECEIVERS}`, pass: matched === RECEIVERS });
    rows.push({ figure: 'bulk: worst goodput share', value: worst.toFixed(2), goal: `>= ${GOAL_SHARE}`, pass: worst >= GOAL_SHARE });
    return rows;
  } catch (err) {
    return [{ figure: 'bulk: the run', value: `failed: ${(err as Error).message.slice(0, 200)}`, goal: 'completes', pass: false }];
  } finally {
    d?.destroy(process.env.SC_KEEP !== undefined);
  }
}
