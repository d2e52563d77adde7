/**
 * Phase `generator`: the elected heartbeat generator is killed (kill -9) at the moment the mesh is cut into halves
 * (iptables in every namespace), and the cut is healed after 30 s. The halves are drawn by the seed, with the
 * source and the surviving rendezvous on one side, so that the other side has neither (the case issue 11 saw
 * never rejoin). Figure: from the heal, the time to one mesh, one generator named by every node, and data at every
 * receiver on both sides (goal: within 2 heartbeat intervals + 2 s, the interval read from the effective config).
 */

import { allReceiving, type PhaseContext } from './context.ts';
import { RENDEZVOUS, SOURCE } from '../deployment.ts';
import { secs } from '../goals.ts';
import { electedGenerator, oneGenerator, oneMesh, snapshot } from '../mesh.ts';
import { progress, sleep, wait } from '../wait.ts';

const PHASE = 'generator';
const CUT_MS = 30_000;
/** How long after the heal the bench watches before it calls the goal missed. */
const WATCH_MS = 60_000;
/** When, before the heal, the bench checks that the mesh is split. */
const SPLIT_CHECK_BEFORE_HEAL_MS = 3000;

export async function generator(ctx: PhaseContext): Promise<void> {
  const { d, results, rng, effective } = ctx;
  const goalMs = 2 * effective.heartbeatIntervalMs + 2000;
  const goal = `<= 2 x ${effective.heartbeatIntervalMs / 1000} s + 2 s = ${secs(goalMs)}`;
  await allReceiving(PHASE, ctx);
  const g = electedGenerator(d, await snapshot(d));
  if (g === undefined || g === SOURCE) {
    results.add({ phase: PHASE, name: 'heal after generator death + partition', figure: g === undefined ? 'no node names a generator' : 'the source is the generator', goal, pass: false });
    return;
  }
  const rendezvous = RENDEZVOUS.filter((r) => r !== g);
  const rest = rng.shuffle(d.live().filter((i) => i !== SOURCE && i !== g && !(rendezvous as number[]).includes(i)));
  const half = Math.floor(d.n / 2);
  const sideA = [SOURCE, ...rendezvous, ...rest.slice(0, Math.max(0, half - 1 - rendezvous.length))].sort((a, b) => a - b);
  const sideB = d.live().filter((i) => !sideA.includes(i));
  results.note(PHASE, `generator ${g}; side A (source, surviving rendezvous) ${sideA.join(',')}; side B ${sideB.join(',')} (with the killed generator)`);
  const cutAt = Date.now();
  d.kill(g);
  await d.firewall.partition(sideA, sideB);
  progress(PHASE, `cut and generator killed (${Date.now() - cutAt} ms to apply); healing in ${CUT_MS / 1000} s`);
  await wait(PHASE, 'partitioned', CUT_MS - SPLIT_CHECK_BEFORE_HEAL_MS - (Date.now() - cutAt), 10_000);
  // The cut must have split the mesh, or the heal proves nothing.
  const split = !oneMesh(d, await snapshot(d));
  if (!split) results.note(PHASE, 'the mesh still looked like one mesh near the end of the cut (stale neighbour lists?)');
  await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
  const sideAFlowing = d.flowing(sideA.filter((i) => d.alive(i)));
  await d.firewall.heal();
  const healAt = Date.now();
  progress(PHASE, `healed; watching up to ${WATCH_MS / 1000} s`);
  let mesh: number | undefined;
  let gen: number | undefined;
  let data: number | undefined;
  let all: number | undefined;
  let named: number | undefined;
  while (Date.now() - healAt < WATCH_MS && all === undefined) {
    const s = await snapshot(d);
    const t = Date.now() - healAt;
    const m = oneMesh(d, s);
    const one = oneGenerator(d, s);
    const flowing = d.flowing();
    if (m) mesh ??= t;
    if (one !== undefined) gen ??= t;
    if (flowing) data ??= t;
    if (m && one !== undefined && flowing) {
      all = t;
      named = one;
    }
    await sleep(500);
  }
  const sideBData = Math.max(...sideB.filter((i) => d.alive(i)).map((i) => d.records[i]?.firstAfter(healAt) ?? Infinity));
  results.add({
    phase: PHASE,
    name: 'heal after generator death + partition: one mesh, one generator, data on both sides',
    figure: all === undefined
      ? `not within ${WATCH_MS / 1000} s (one mesh ${secs(mesh ?? Infinity)}, one generator ${secs(gen ?? Infinity)}, all receiving ${secs(data ?? Infinity)})`
      : `${secs(all)} (one mesh ${secs(mesh)}, one generator ${secs(gen)} = node ${named}, all receiving ${secs(data)}; side B's first packet ${secs(sideBData)})`,
    goal,
    pass: all !== undefined && all <= goalMs,
    values: { generator: g, sideA, sideB, meshSplitDuringCut: split, sideAFlowingDuringCut: sideAFlowing, oneMeshMs: mesh, oneGeneratorMs: gen, dataMs: data, allMs: all, sideBFirstPacketMs: Number.isFinite(sideBData) ? sideBData : null },
  });
  if (!sideAFlowing) results.note(PHASE, 'side A (with the source) was not all receiving at the end of the cut');
}
