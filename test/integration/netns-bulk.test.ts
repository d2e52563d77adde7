/**
 * Bulk file distribution across 5 network namespaces (test/support/bulk-lan.ts): a 16 MB file sent with
 * `scattercast send --file` from host 0, every host's downlink shaped to 100 Mbit/s with tc tbf; `scattercast join --out DIR`
 * at host 1, and at host 2 whose link drops 1% of what arrives (iptables statistic); a library receiver at host 3
 * whose connection is cut a third of the way and attaches again; `join` at host 4 started only after the sender has
 * finished, so repaired from host 4's own SCX cache. Every SHA-256 must match. SC_KEEP=1 keeps the files.
 */

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { receiveFile } from '../../src/client/file-receiver.ts';
import { parseSessionName } from '../../src/session/name.ts';
import { bulkLan, type BulkLan } from '../support/bulk-lan.ts';
import { needs } from '../support/prerequisite.ts';
import { testSeed } from '../support/seed.ts';

const N = 5;
const FILE_BYTES = 16 * 1024 * 1024;
const MBIT = 100;

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `p`, or after `ms` a failure that says `what` and every node's counters. */
async function within<T>(d: BulkLan, ms: number, what: () => string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void Promise.all(Array.from({ length: N }, (_, i) => d.counters(i).catch((e: Error) => e.message))).then((c) =>
        reject(new Error(`${what()}\n${c.map((x, i) => `node ${i}: ${x}`).join('\n')}`)),
      );
    }, ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

needs({ netns: true, commands: ['tc'] }).describe('bulk file distribution across 5 network namespaces', { timeout: 90_000 }, () => {
  let d: BulkLan;

  before(async () => {
    d = await bulkLan(N);
    for (let i = 0; i < N; i++) d.shape(i, MBIT);
    d.loss(2, 0.01);
  });

  after(() => d?.destroy(process.env.SC_KEEP !== undefined));

  it('every receiver writes the file with a matching SHA-256: lossy, cut and late ones repaired', async (t) => {
    const path = d.file(FILE_BYTES, testSeed(t, 13));
    const want = sha(path);
    const out = (i: number): string => {
      const dir = join(d.dir, `out${i}`);
      mkdirSync(dir);
      return dir;
    };
    const joins = [1, 2].map((i) => ({ i, run: d.join(i, out(i)) }));
    const cutDir = out(3);
    const cut = receiveFile(await d.answer(3), 1, parseSessionName(d.session), cutDir, {
      onProgress: (have, total) => have === Math.floor(total / 3) && cut.attachment.close(),
    });
    const started = performance.now();
    const sender = d.send(0, path, 20);
    const sent = new Promise<void>((resolve, reject) => {
      sender.child.stderr?.on('data', (b: Buffer) => b.toString().includes('staying attached') && resolve());
      void sender.exit.then((e) => reject(new Error(`the sender exited early (${e.status}): ${e.stderr}`)));
    });
    await within(d, 30_000, () => `the sender did not finish: ${sender.stderr()}`, sent);
    t.diagnostic(`the source SCX took every chunk after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const late = d.join(4, out(4));
    for (const { i, run } of [...joins, { i: 4, run: late }]) {
      const e = await within(d, 20_000, () => `host ${i} did not finish: ${run.stderr()}`, run.exit);
      t.diagnostic(`host ${i}: ${e.stderr.trim().split('\n').at(-1)}`);
      assert.equal(e.status, 0, `host ${i}'s join failed: ${e.stderr}`);
      assert.equal(sha(join(d.dir, `out${i}`, 'payload.bin')), want, `host ${i}: SHA-256`);
    }
    const c = await within(d, 10_000, () => `host 3 did not finish: ${JSON.stringify(cut.counts)}`, cut.done);
    t.diagnostic(`host 3 (cut): ${JSON.stringify(cut.counts)}`);
    assert.equal(c.sha256, want, 'host 3: SHA-256');
    assert.ok(cut.counts.attaches >= 2 && cut.counts.repairs > 0, 'the cut receiver attached again and was repaired');
    const lateRepaired = Number(/(\d+) chunk\(s\) repaired/.exec((await late.exit).stderr)?.[1]);
    // It joined once the source SCX had taken every chunk; what was still on its way down the tree arrived live, and
    // everything before came as repairs (how many depends on the timing).
    assert.ok(lateRepaired > 0 && lateRepaired <= Math.ceil(FILE_BYTES / 65536), `the late receiver was repaired ${lateRepaired} chunk(s)`);
    sender.child.kill('SIGTERM');
  });
});
