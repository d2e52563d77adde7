/**
 * The rtp module in the simulator (src/sim/dataplane.ts): a station at SCX 0 streams 128 kbit/s MP3 (model frames)
 * down the tree 0 -> {1 -> 3, 2 -> 4}, with 10 % loss on the hop 0 -> 2 from the start of the stream until 30 s.
 * The model transcoder (test/support/model-transcoder.ts) stands in for ffmpeg.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/core/random.ts';
import { RtpModule, rtpFactory } from '../../../src/services/rtp/rtp.ts';
import type { DataPacket } from '../../../src/session/data-header.ts';
import { SimDataPlane } from '../../../src/sim/dataplane.ts';
import { Simulation } from '../../../src/sim/simulation.ts';
import { modelTranscoders } from '../../support/model-transcoder.ts';
import { FRAME_MS, StationStream } from '../../support/rtp-scx.ts';
import { testSeed } from '../../support/seed.ts';

const EDGES = new Set(['0-1', '0-2', '1-3', '2-4']);
const latencyMs = (i: number, j: number): number => (EDGES.has(`${Math.min(i, j)}-${Math.max(i, j)}`) ? 5 : 40);
const START = 10_000;
const CLEAR = 30_000;
const END = 60_000;

describe('rtp in the simulator: adaptation on a lossy branch', () => {
  it('the lossy branch steps down within 10 s, its receivers get the lower tier, the others stay; loss cleared, it steps back up', (t) => {
    const seed = testSeed(t, 14);
    const loss = new Random(seed);
    const { factory, log } = modelTranscoders();
    let plane: SimDataPlane | undefined;
    const sim = new Simulation({ scxCount: 5, latencyMs, rendezvous: [0], seed, onEvent: (i, ev, now) => plane?.onEvent(i, ev, now) });
    /** Per SCX, the stream names delivered in each second since START. */
    const got: Array<Map<number, Set<string>>> = Array.from({ length: 5 }, () => new Map());
    const onDeliver = (i: number, p: DataPacket, now: number): void => {
      const sec = Math.floor((now - START) / 1000);
      const m = got[i] as Map<number, Set<string>>;
      if (!m.has(sec)) m.set(sec, new Set());
      m.get(sec)?.add(p.header.source);
    };
    const lostOnHop = (i: number, j: number, now: number): boolean => i === 0 && j === 2 && now < CLEAR && loss.next() < 0.1;
    plane = new SimDataPlane(sim, { factory: rtpFactory({ transcoders: factory }), channel: 1, sessionId: new Uint8Array(16), latencyMs, lostOnHop, onDeliver });
    const dp = plane;
    for (let i = 0; i < 5; i++) sim.join(i, i * 200, i === 0);
    const station = new StationStream();
    for (let at = START; at < END; at += FRAME_MS) sim.at(at, () => dp.send(0, station.audio()));
    for (let at = START; at < END; at += 1000) sim.at(at + 1, () => dp.send(0, station.senderReport('Station ID')));
    const self = (i: number): string => (sim.nodes[i] as { self: string }).self;
    const rtpAt = (i: number): RtpModule => dp.runtime(i).module as RtpModule;
    /** The tier of the link from SCX i to SCX j each second. */
    const tierOf = (i: number, j: number): number => rtpAt(i).linkTiers().find((l) => l.link === self(j))?.tier ?? 0;
    const samples: Array<{ at: number; lossy: number; others: number[] }> = [];
    let upstreams: Array<number | undefined> = [];
    sim.at(START, () => (upstreams = sim.nodes.map((n) => sim.index(n.upstream(self(0)) ?? ''))));
    for (let at = START; at <= END; at += 1000) {
      sim.at(at + 500, () => samples.push({ at, lossy: tierOf(0, 2), others: [tierOf(0, 1), tierOf(1, 3), tierOf(2, 4)] }));
    }
    sim.runUntil(END + 1000);

    assert.deepEqual(upstreams, [undefined, 0, 0, 1, 2], 'the tree is 0 -> {1 -> 3, 2 -> 4}');
    t.diagnostic(`tier of 0->2 each second: ${samples.map((s) => s.lossy).join('')}; hop losses ${dp.lost}; transcoders made ${log.made.join(',')}`);
    const down = samples.find((s) => s.lossy > 0);
    assert.ok(down !== undefined && down.at - START <= 10_000, `0->2 stepped down at ${down?.at} ms`);
    assert.ok(samples.every((s) => s.others.every((tier) => tier === 0)), 'the other links stay at tier 0');
    const sec = (down.at - START) / 1000 + 2;
    for (const i of [2, 4]) {
      const names = [...(got[i]?.get(sec) ?? [])];
      assert.ok(names.some((n) => /~(64|32)k$/.test(n)), `SCX ${i} gets a lower tier at ${sec} s: ${names.join(' ')}`);
    }
    for (const i of [1, 3]) {
      const names = new Set([...(got[i]?.values() ?? [])].flatMap((s) => [...s]));
      assert.deepEqual([...names], [dp.sourceClient(0)], `SCX ${i} gets only the original`);
    }
    const up = samples.find((s) => s.at > CLEAR && s.lossy < Math.max(...samples.filter((x) => x.at <= CLEAR).map((x) => x.lossy)));
    assert.ok(up !== undefined && up.at - CLEAR <= 12_000, `loss cleared at ${CLEAR} ms: 0->2 stepped up at ${up?.at} ms`);
    assert.equal(samples.at(-1)?.lossy, 0, 'back at tier 0 by the end');
    const lastSecond = [...(got[4]?.get((END - START) / 1000 - 1) ?? [])];
    assert.deepEqual(lastSecond, [dp.sourceClient(0)], 'SCX 4 gets the original again');
    const c = rtpAt(0).counters();
    assert.ok((c.aggregatesIn ?? 0) > 50 && c.aggregatesRefused === 0, `aggregates in ${c.aggregatesIn}, refused ${c.aggregatesRefused}`);
    assert.equal(log.open, 0, 'every transcoder closed');
    assert.deepEqual([1, 2, 3, 4].map((i) => rtpAt(i).stats.transcodersOpened), [0, 0, 0, 0], 'only the source SCX transcodes: SCX 2 forwards the tier to 4 as it came');
    const root = rtpAt(0).rootReport();
    assert.equal(root?.receivers, 5, 'the root aggregate counts the five SCXs');
  });
});
