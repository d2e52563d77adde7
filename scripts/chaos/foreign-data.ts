/**
 * Deliveries that are not the source's: every node's record file read on from where it was when the watch began,
 * counting the packets delivered on any channel whose source SCX is not the session's source, or whose sender name
 * is the forger's (a forged packet names the real source SCX and the sender `FORGER...`). Goal: none.
 */

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** The sender name every forged data packet carries (a prefix). */
export const FORGER = 'forger';

export class ForeignData {
  private readonly offsets: number[];
  private readonly rests: string[];
  /** Foreign deliveries per node since the watch began. */
  readonly counts: number[];

  /** Watches `paths` (one record file per node) for packets not from `sourceScx`. */
  constructor(
    private readonly paths: readonly string[],
    private readonly sourceScx: string,
  ) {
    this.offsets = paths.map((p) => (existsSync(p) ? statSync(p).size : 0));
    this.rests = paths.map(() => '');
    this.counts = paths.map(() => 0);
  }

  /** Reads what the nodes delivered since the last call; the total foreign deliveries so far. */
  poll(): number {
    this.paths.forEach((path, i) => {
      if (!existsSync(path)) return;
      const size = statSync(path).size;
      const from = this.offsets[i] as number;
      if (size <= from) return;
      const buf = Buffer.alloc(size - from);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buf, 0, buf.length, from);
      } finally {
        closeSync(fd);
      }
      this.offsets[i] = size;
      const lines = ((this.rests[i] as string) + buf.toString('utf8')).split('\n');
      this.rests[i] = lines.pop() ?? '';
      for (const line of lines) {
        let r: { scx?: string; src?: string };
        try {
          r = JSON.parse(line) as typeof r;
        } catch {
          continue;
        }
        if (r.scx !== this.sourceScx || (r.src ?? '').startsWith(FORGER)) this.counts[i] = (this.counts[i] as number) + 1;
      }
    });
    return this.counts.reduce((a, b) => a + b, 0);
  }
}
