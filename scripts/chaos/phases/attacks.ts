/**
 * Phase `attacks`: each attack of attacks.ts in turn against the interior SCX with the most receivers below it,
 * while the source streams. Figures per attack: whether every node is still running and the target answers
 * /state (0 crashes), the target's RSS growth (process_resident_memory_bytes, sampled every second) against the
 * bound its limits imply (connectionsTotal x the frame cap: what partial frames can hold), and the share of the
 * packets sent during the attack that every other receiver delivered, and the forged data packets (off the source's
 * numbering) delivered at any receiver: none, since node links are authenticated.
 */

import { allReceiving, type PhaseContext } from './context.ts';
import { ATTACKS, type AttackTarget } from '../attacks.ts';
import { DATA_CHANNEL, RELIABLE_CHANNEL, SOURCE, type Deployment } from '../deployment.ts';
import { pct } from '../goals.ts';
import { busiestInterior, snapshot } from '../mesh.ts';
import { progress, sleep } from '../wait.ts';

const PHASE = 'attacks';
const ATTACK_MS = 15_000;
/** Wait after each attack, for late packets and for memory to be given back. */
const AFTER_MS = 5000;
const SHARE_GOAL = 0.95;
const RSS = 'process_resident_memory_bytes';
const MiB = 1024 * 1024;

/** Share of the packets sent in [from, to] that `receivers` delivered (distinct sequence numbers). */
function deliveredShare(d: Deployment, receivers: readonly number[], from: number, to: number): { share: number; got: number; expected: number } {
  d.pollRecords();
  const sets = receivers.map((i) => d.records[i]?.distinctSentIn(from, to) ?? new Set<number>());
  const all = sets.flatMap((s) => [...s]);
  if (all.length === 0) return { share: 0, got: 0, expected: 0 };
  const perReceiver = Math.max(...all) - Math.min(...all) + 1;
  const got = sets.reduce((s, x) => s + x.size, 0);
  const expected = perReceiver * receivers.length;
  return { share: got / expected, got, expected };
}

export async function attacks(ctx: PhaseContext): Promise<void> {
  const { d, results, rng, effective } = ctx;
  await allReceiving(PHASE, ctx);
  const snap = await snapshot(d);
  const pick = busiestInterior(d, snap);
  const target = pick?.node ?? (d.live().find((i) => i !== SOURCE) as number);
  if (pick === undefined) results.note(PHASE, `no interior SCX with receivers below it: attacking node ${target}, a leaf`);
  const sessionHex = snap.states.get(target)?.id;
  if (sessionHex === undefined) {
    results.add({ phase: PHASE, name: 'attacks', figure: `node ${target} gave no /state`, goal: 'a target', pass: false });
    return;
  }
  const boundBytes = effective.connectionsTotal * effective.maxFrameBytes;
  const bound = `${(boundBytes / MiB).toFixed(0)} MiB (limits.connectionsTotal ${effective.connectionsTotal} x ${effective.maxFrameBytes / 1024} KiB frame cap)`;
  results.note(PHASE, `target node ${target} (${pick?.below.length ?? 0} receivers below it); RSS bound ${bound}`);
  const t: AttackTarget = {
    host: d.lan.ip(target),
    port: 7400,
    sessionId: Buffer.from(sessionHex, 'hex'),
    peers: Array.from({ length: d.n }, (_, i) => d.addr(i)),
    sourceScx: d.addr(SOURCE),
    channels: [DATA_CHANNEL, RELIABLE_CHANNEL],
    lanPrefix: d.lan.ip(0).split('.').slice(0, 3).join('.'),
    attackerHost: d.lan.hostIp,
  };
  const receivers = d.live().filter((i) => i !== SOURCE);
  for (const attack of ATTACKS) {
    const rss0 = await d.metric(target, RSS);
    progress(PHASE, `${attack.name}: ${attack.what}, ${ATTACK_MS / 1000} s`);
    let peak = rss0 ?? 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const v = await d.metric(target, RSS);
        if (v !== undefined) peak = Math.max(peak, v);
        await sleep(1000);
      }
    })();
    const from = Date.now();
    let said: string;
    try {
      said = await attack.run(t, rng.fork(attack.name), ATTACK_MS);
    } catch (err) {
      said = `the attack itself failed: ${(err as Error).message}`;
    }
    const to = Date.now();
    await sleep(AFTER_MS);
    sampling = false;
    await sampler;
    const rss1 = await d.metric(target, RSS);
    const dead = Array.from({ length: d.n }, (_, i) => i).filter((i) => !d.alive(i));
    const answers = (await d.state(target)) !== undefined;
    const crashes = dead.map((i) => `node ${i} (${d.exit(i)})`);
    const { share, got, expected } = deliveredShare(d, receivers.filter((i) => d.alive(i)), from, to);
    const growth = rss0 === undefined ? undefined : peak - rss0;
    const forged = receivers.reduce((sum, i) => sum + (d.records[i]?.forged.filter((ms) => ms >= from && ms <= to + AFTER_MS).length ?? 0), 0);
    results.note(PHASE, `${attack.name}: ${said}`);
    results.add({
      phase: PHASE,
      name: `${attack.name}: forged data packets (naming the session and a real SCX) delivered at the receivers`,
      figure: `${forged}`,
      goal: '0: node links are authenticated',
      pass: forged === 0,
      values: { forged },
    });
    results.add({
      phase: PHASE,
      name: `${attack.name}: crashes`,
      figure: dead.length === 0 && answers ? `0; target answers /state` : `${crashes.join(', ') || '0'}${answers ? '' : '; target gives no /state'}`,
      goal: '0 crashes, target answers',
      pass: dead.length === 0 && answers,
      values: { dead, targetAnswers: answers },
    });
    results.add({
      phase: PHASE,
      name: `${attack.name}: RSS growth of the target`,
      figure: growth === undefined ? 'no RSS reading before the attack' : `peak +${(growth / MiB).toFixed(1)} MiB (${((rss0 ?? 0) / MiB).toFixed(0)} -> ${(peak / MiB).toFixed(0)} MiB, ${rss1 === undefined ? '?' : (rss1 / MiB).toFixed(0)} MiB ${AFTER_MS / 1000} s after)`,
      goal: `<= ${bound}`,
      pass: growth !== undefined && growth <= boundBytes,
      values: { rssBefore: rss0, rssPeak: peak, rssAfter: rss1, boundBytes },
    });
    results.add({
      phase: PHASE,
      name: `${attack.name}: packets delivered to the receivers during it`,
      figure: `${pct(share)} (${got}/${expected} over ${receivers.length} receivers)`,
      goal: `>= ${pct(SHARE_GOAL)}`,
      pass: share >= SHARE_GOAL,
      values: { share, got, expected },
    });
    // A node an attack killed is not the next attack's figure: start it again.
    if (dead.length > 0) await allReceiving(PHASE, ctx);
  }
}
