/**
 * Phase `gray`: a gray failure. In the namespace of the interior SCX with the most receivers below it, every packet
 * of its data connections is dropped for 60 s (connections marked by their data hello, firewall.ts), while its
 * control connections and UDP probes flow untouched. Figures: the longest silence of each receiver below it during
 * the 60 s (goal: <= 3 s), and from the rule's removal, the time until the node and every receiver below it that
 * was silent receive again (goal: <= 3 s).
 */

import { allReceiving, type PhaseContext } from './context.ts';
import { secs } from '../goals.ts';
import { busiestInterior, snapshot } from '../mesh.ts';
import { progress, sleep, wait } from '../wait.ts';

const PHASE = 'gray';
const FAULT_MS = 60_000;
const GOAL_MS = 3000;
/** How long after the removal the bench watches. */
const AFTER_MS = 10_000;
/** A receiver whose last packet is older than this at the removal counts as silent then. */
const SILENT_MS = 250;

export async function gray(ctx: PhaseContext): Promise<void> {
  const { d, results } = ctx;
  await allReceiving(PHASE, ctx);
  const pick = busiestInterior(d, await snapshot(d));
  if (pick === undefined) {
    results.add({ phase: PHASE, name: 'gray failure', figure: 'no interior SCX with receivers below it', goal: 'an interior SCX', pass: false });
    return;
  }
  const { node, below } = pick;
  const marked = await d.firewall.markedConnections(node);
  results.note(PHASE, `victim node ${node}, ${below.length} receiver(s) below it: ${below.join(', ')}; ${marked ?? '?'} data connection(s) marked in its conntrack`);
  await d.firewall.grayOn(node);
  const t0 = Date.now();
  progress(PHASE, `data connections of node ${node} dropped for ${FAULT_MS / 1000} s`);
  await wait(PHASE, 'gray failure', FAULT_MS, 15_000);
  const drops = await d.firewall.grayDrops(node);
  await d.firewall.grayOff(node);
  const t1 = Date.now();
  progress(PHASE, `rule removed after ${drops} dropped packets; watching ${AFTER_MS / 1000} s`);
  await sleep(AFTER_MS);
  d.pollRecords();
  const silences = below.map((i) => [i, d.records[i]?.longestSilence(t0, t1) ?? FAULT_MS] as const);
  const worst = silences.reduce((w, s) => (s[1] > w[1] ? s : w), [-1, 0] as readonly [number, number]);
  results.add({
    phase: PHASE,
    name: 'receivers below the gray node: longest silence during the 60 s',
    figure: below.length === 0 ? 'no receiver below' : `max ${secs(worst[1])} (node ${worst[0]}) over ${below.length} receivers below node ${node}`,
    goal: `<= ${secs(GOAL_MS)}`,
    pass: worst[1] <= GOAL_MS,
    values: { victim: node, below, silencesMs: Object.fromEntries(silences), droppedPackets: drops, markedConnections: marked },
  });
  const victimSilence = d.records[node]?.longestSilence(t0, t1) ?? FAULT_MS;
  const watched = [node, ...below];
  const again = watched.map((i) => {
    const r = d.records[i];
    if (r === undefined) return [i, Infinity] as const;
    const last = r.deliveries.filter((x) => x.recvMs <= t1).at(-1)?.recvMs ?? 0;
    return [i, t1 - last <= SILENT_MS ? 0 : r.firstAfter(t1)] as const;
  });
  const late = again.reduce((w, s) => (s[1] > w[1] ? s : w), [-1, 0] as readonly [number, number]);
  results.add({
    phase: PHASE,
    name: 'data again after the rule is removed (the node and the receivers below it)',
    figure: `max ${Number.isFinite(late[1]) ? secs(late[1]) : `> ${AFTER_MS / 1000} s (nothing within the watch)`} (node ${late[0]}); the gray node itself was silent ${secs(victimSilence)} of the ${FAULT_MS / 1000} s`,
    goal: `<= ${secs(GOAL_MS)}`,
    pass: late[1] <= GOAL_MS,
    values: { againMs: Object.fromEntries(again.map(([i, ms]) => [i, Number.isFinite(ms) ? ms : null])), victimSilenceMs: victimSilence },
  });
}
