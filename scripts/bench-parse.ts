/**
 * Parser benchmark: how long the announcement and GraphML parsers take to refuse hostile input (the inputs of
 * test/support/hostile-xml.ts, whose unit tests check only which guard refuses each, not how fast).
 *
 * Usage: node --import tsx scripts/bench-parse.ts
 * One line per input on stdout, best of 3 runs, and a mark against each goal missed; exit status 1 if one was.
 */

import { parseAnnouncement } from '../src/session/announcement.ts';
import { parseGraphMl } from '../src/sim/topology/graphml.ts';
import { announcementAttacks, graphMlAttacks, type HostileXml } from '../test/support/hostile-xml.ts';

/** Goals, ms: a 64 KiB announcement, a 10 MB one (refused by its size), a GraphML document of up to 20 MB. */
const GOAL_ANNOUNCEMENT_MS = 500;
const GOAL_GRAPHML_MS = 1000;

/** Best of 3 runs of `parse` on `input`, ms; the input must be refused with its reason. */
function refuseMs(parse: (text: string) => unknown, input: HostileXml): number {
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const start = performance.now();
    try {
      parse(input.text);
      throw new Error(`${input.what}: accepted`);
    } catch (err) {
      if (!input.reason.test((err as Error).message)) throw new Error(`${input.what}: refused for another reason: ${(err as Error).message}`);
    }
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const rows: Array<[string, number, number]> = [
  ...announcementAttacks().map((a): [string, number, number] => [`announcement: ${a.what}`, refuseMs(parseAnnouncement, a), GOAL_ANNOUNCEMENT_MS]),
  ['announcement: 10 MB of <', refuseMs(parseAnnouncement, { what: '10 MB', text: '<'.repeat(10_000_000), reason: /more than the 65536 allowed/ }), GOAL_ANNOUNCEMENT_MS],
  ...graphMlAttacks().map((a): [string, number, number] => [`GraphML: ${a.what}`, refuseMs((t) => parseGraphMl(t, 'bench'), a), GOAL_GRAPHML_MS]),
];
const width = Math.max(...rows.map(([what]) => what.length));
let missed = 0;
for (const [what, ms, goal] of rows) {
  const miss = ms >= goal;
  missed += miss ? 1 : 0;
  process.stdout.write(`${what.padEnd(width)}  ${ms.toFixed(1).padStart(7)} ms  (goal < ${goal} ms)${miss ? '  MISSED' : ''}\n`);
}
process.exitCode = missed > 0 ? 1 : 0;
