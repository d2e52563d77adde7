import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Random } from '../../../src/core/random.ts';
import { aduFactory, AduModule } from '../../../src/services/adu/adu.ts';
import type { InterestLevel } from '../../../src/services/adu/options.ts';
import { decodeAduFragment, fragmentAdu, fragmentCount, type AduSpec } from '../../../src/services/adu/wire/adu.ts';
import { encodeClientInterest } from '../../../src/services/adu/wire/interest.ts';
import { SimDataPlane } from '../../../src/sim/dataplane.ts';
import { SimLinkWires } from '../../../src/sim/link-wires.ts';
import { Simulation } from '../../../src/sim/simulation.ts';
import type { DataPacket } from '../../../src/session/data-header.ts';
import { testSeed } from '../../support/seed.ts';

const SCXS = 8;
const SOURCE = 0;
const VIEWED = 2;
const SLIDES = [1, 2, 3, 4];
/** Every overlay link carries 120 kB/s: the source's bursts queue (the bottleneck). */
const LINK_BYTES_PER_SEC = 120_000;

interface Run {
  readonly plane: SimDataPlane;
  /** The final version of every object the source sent, by object. */
  readonly finals: Map<number, number>;
  readonly slideOf: Map<number, number>;
  readonly repairs: Record<InterestLevel, number[]>;
  /** When each SCX delivered each object's final version, ms. */
  readonly deliveredAt: Map<number, number>[];
}

/**
 * SCXs 0..7 on a plane; SCX 0 is the source and, every 2 s from 3 s to `endMs`, sends a burst of 12 reliable ADUs
 * (1..6 fragments each) over slides 1..4; every other SCX's client looks at slide 2. `late` SCX joins at `lateAt`.
 */
function run(t: TestContext, o: { lossRate: number; endMs: number; untilMs: number; late?: { scx: number; at: number } }): Run {
  const seed = testSeed(t, 15);
  const rng = new Random(seed);
  const pos = Array.from({ length: SCXS }, () => [rng.range(0, 60), rng.range(0, 60)] as const);
  const latencyMs = (i: number, j: number): number => 2 + Math.hypot(pos[i]![0] - pos[j]![0], pos[i]![1] - pos[j]![1]) / 2;
  const repairs: Record<InterestLevel, number[]> = { high: [], low: [] };
  const deliveredAt = Array.from({ length: SCXS }, () => new Map<number, number>());
  const finals = new Map<number, number>();
  const slideOf = new Map<number, number>();
  let plane: SimDataPlane | undefined;
  const sim = new Simulation({ scxCount: SCXS, latencyMs, rendezvous: [0], seed, onEvent: (i, ev, now) => plane?.onEvent(i, ev, now) });
  const factory = aduFactory({ onRepair: (ms, level) => repairs[level].push(ms) });
  const onDeliver = (i: number, p: DataPacket, now: number): void => {
    const d = decodeAduFragment(p.bytes.subarray(p.payloadOffset));
    assert.ok(d.ok, 'the module delivers only ADU fragments');
    const h = d.value.header;
    if (h.fragment === h.fragments - 1 && finals.get(h.object) === h.version) deliveredAt[i]!.set(h.object, now);
  };
  plane = new SimDataPlane(sim, { factory, channel: 1, sessionId: new Uint8Array(16), latencyMs, lossRate: o.lossRate, lossSeed: seed + 1, wires: new SimLinkWires(sim, () => LINK_BYTES_PER_SEC), onDeliver });
  const p = plane;
  for (let i = 0; i < SCXS; i++) if (i !== o.late?.scx) sim.join(i, i * 200, i === SOURCE);
  if (o.late) sim.join(o.late.scx, o.late.at);
  const seqs = new Map<number, number>(SLIDES.map((s) => [s, 1]));
  const versions = new Map<number, number>();
  const content = new Random(seed + 2);
  for (let at = 3000; at < o.endMs; at += 2000) {
    sim.at(at, () => {
      for (let k = 0; k < 12; k++) {
        const slide = SLIDES[content.int(SLIDES.length)]!;
        const object = slide * 100 + content.range(1, 8);
        const version = (versions.get(object) ?? 0) + 1;
        versions.set(object, version);
        finals.set(object, version);
        slideOf.set(object, slide);
        const spec: AduSpec = { presentation: 'talk', slide, object, version, kind: 5, reliability: 'reliable' };
        const body = new Uint8Array(content.range(200, 6500)).fill(object & 0xff);
        for (const payload of fragmentAdu(spec, body, seqs.get(slide)!)) p.send(SOURCE, payload);
        seqs.set(slide, seqs.get(slide)! + fragmentCount(body.length));
      }
    });
  }
  const interest = encodeClientInterest({ presentation: 'talk', slides: [VIEWED] });
  for (let at = 1000; at < o.untilMs; at += 1000) sim.at(at, () => { for (let i = 1; i < SCXS; i++) p.clientControl(i, 'viewer', interest); });
  sim.runUntil(o.untilMs);
  return { plane, finals, slideOf, repairs, deliveredAt };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

describe('the adu module in the simulator: 8 SCXs, 5% loss per hop, 120 kB/s links', () => {
  it('every SCX delivers every object\'s final version; repairs on the viewed slide come sooner', (t) => {
    const r = run(t, { lossRate: 0.05, endMs: 25_000, untilMs: 40_000 });
    t.diagnostic(`packets lost on hops: ${r.plane.lost}; objects ${r.finals.size}`);
    assert.ok(r.plane.lost > 200, `only ${r.plane.lost} packets lost: the test would prove nothing`);
    for (let i = 0; i < SCXS; i++) {
      const missing = [...r.finals.keys()].filter((o) => !r.deliveredAt[i]!.has(o));
      assert.deepEqual(missing, [], `SCX ${i} lacks the final version of these objects`);
      const m = r.plane.runtime(i).module;
      assert.ok(m instanceof AduModule);
      assert.equal(m.stats.giveUps, 0, `SCX ${i} gave up fragments`);
    }
    const [hi, lo] = [r.repairs.high, r.repairs.low];
    const stat = (xs: number[]): string => `n=${xs.length} p50 ${quantile(xs, 0.5).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms`;
    t.diagnostic(`repair latency, viewed slide (high): ${stat(hi)}; other slides (low): ${stat(lo)}`);
    const ratio = quantile(lo, 0.99) / quantile(hi, 0.99);
    t.diagnostic(`p99 low / p99 high = ${ratio.toFixed(2)}; p50 ratio ${(quantile(lo, 0.5) / quantile(hi, 0.5)).toFixed(2)}`);
    assert.ok(hi.length > 20 && lo.length > 20, 'too few repairs to compare');
    assert.ok(quantile(hi, 0.99) < quantile(lo, 0.99), 'the viewed slide is not repaired sooner');
  });

  it('an SCX that joins late fetches the history, the viewed slide first', (t) => {
    const late = { scx: SCXS - 1, at: 16_000 };
    const r = run(t, { lossRate: 0.05, endMs: 12_000, untilMs: 30_000, late });
    const got = r.deliveredAt[late.scx]!;
    const missing = [...r.finals.keys()].filter((o) => !got.has(o));
    assert.deepEqual(missing, [], 'the late SCX lacks the final version of these objects');
    const times = (viewed: boolean): number[] => [...got].filter(([o]) => (r.slideOf.get(o) === VIEWED) === viewed).map(([, at]) => at - late.at);
    const [hi, lo] = [times(true), times(false)];
    t.diagnostic(`late SCX: viewed slide complete ${Math.max(...hi).toFixed(0)} ms after joining, the others ${Math.max(...lo).toFixed(0)} ms (medians ${quantile(hi, 0.5).toFixed(0)} / ${quantile(lo, 0.5).toFixed(0)} ms)`);
    assert.ok(Math.max(...hi) < Math.max(...lo), 'the viewed slide did not complete first');
    assert.ok(quantile(hi, 0.5) < quantile(lo, 0.5), 'the viewed slide did not arrive first');
  });
});
