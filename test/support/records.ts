import { existsSync, readFileSync } from 'node:fs';

/** One packet a node delivered, as its Recorder wrote it. */
export interface Received {
  readonly ch: number;
  readonly scx: string;
  readonly seq: number;
  readonly sentMs: number;
  readonly recvMs: number;
}

/** The packets of channel `ch` in a record file, in the order they were delivered (none if no file yet). */
export function readRecords(path: string, ch = 1): Received[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as Received)
    .filter((r) => r.ch === ch);
}

/**
 * How long after `at` (wall ms) the node was receiving again: the end of the longest silence (longer than
 * `silenceMs`) that began before `at` + 1 s and ended after `at`; 0 when it never fell silent.
 */
export function resumedAfter(rs: readonly Received[], at: number, silenceMs = 250): number {
  let worst = 0;
  for (let k = 1; k < rs.length; k++) {
    const prev = (rs[k - 1] as Received).recvMs;
    const cur = (rs[k] as Received).recvMs;
    if (cur - prev > silenceMs && cur > at && prev < at + 1000) worst = Math.max(worst, cur - at);
  }
  return worst;
}
