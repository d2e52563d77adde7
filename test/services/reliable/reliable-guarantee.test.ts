/**
 * The reliable module's guarantee: every receiver gets every packet, or a loss report naming the ones it will not
 * get; never a silent hole. The lost tail of a stream is found by the source's SPMs; what cannot be repaired is
 * given up and reported to the clients, in the stream. Small simulator runs (the 100-SCX figures are the bench's,
 * scripts/bench-transport/reliable.ts) and one SCX driven step by step.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLossReport, isLossReport } from '../../../src/services/reliable/loss-report.ts';
import { decodeNack, encodeNack, NACK_TYPE, toRanges, UNAVAILABLE_TYPE } from '../../../src/services/reliable/nack.ts';
import { ReliableModule, reliableFactory } from '../../../src/services/reliable/reliable.ts';
import { decodeSpm, encodeSpm, SPM_TYPE } from '../../../src/services/reliable/spm.ts';
import { encodeDataPacket } from '../../../src/session/data-header.ts';
import { ChannelRuntime } from '../../../src/transport/channel-runtime.ts';
import { LOCAL_LINK } from '../../../src/transport/service-module.ts';
import { coverage } from '../../../scripts/bench-transport/reliable.ts';
import { testSeed } from '../../support/seed.ts';
import { simBroadcast } from '../../support/sim-stream.ts';

/** 20 SCXs join 100 ms apart; SCX 0 sends 50 packets/s from 10 s to 20 s (seqs 0..499); the run ends at 34 s. */
const SMALL = { scxCount: 20, joinGapMs: 100, startMs: 10_000, endMs: 20_000, intervalMs: 20, payloadBytes: 100, untilMs: 34_000 };
const LAST_SEQ = 499;

describe('the reliable module finds a lost tail through SPMs (simulator, 20 SCXs)', () => {
  /** The stream with every data packet lost on every hop over its last second: only the source SCX has the tail. */
  const run = (seed: number, spmIdleMs?: number) =>
    simBroadcast({
      ...SMALL,
      factory: reliableFactory(spmIdleMs === undefined ? {} : { spmIdleMs }),
      seed,
      source: 0,
      lostOnHop: (_i, _j, now) => now >= SMALL.endMs - 1000 && now < SMALL.endMs,
    });

  it('every receiver delivers every packet from its first to the last, in order, with no loss report', (t) => {
    const seed = testSeed(t, 11);
    const plane = run(seed);
    const stats = plane.delivered.map((_, i) => (plane.runtime(i).module as ReliableModule).stats);
    const spmGaps = stats.reduce((n, s) => n + s.spmGaps, 0);
    t.diagnostic(`${plane.lost} packets lost on hops; ${spmGaps} seqs found missing through SPMs; SPMs sent by the source ${stats[0]!.spmsSent}`);
    assert.ok(plane.lost > 100, `only ${plane.lost} packets lost: the tail was not cut`);
    assert.ok(spmGaps >= 50, 'the tail was found through SPMs');
    for (let i = 1; i < plane.delivered.length; i++) {
      // A receiver's stream starts at the first packet it gets (one routed to the tree a moment late starts there).
      const seqs = plane.delivered[i]!.map((p) => p.header.seq);
      const first = seqs[0] ?? Infinity;
      assert.ok(first <= 5, `SCX ${i} starts at ${first}`);
      assert.ok(!plane.delivered[i]!.some(isLossReport), `SCX ${i} reported a loss`);
      assert.deepEqual(seqs, Array.from({ length: LAST_SEQ + 1 - first }, (_, k) => first + k), `SCX ${i}`);
    }
  });

  it('without SPMs (an idle heartbeat after the run) the same tail stays missing: the check can fail', (t) => {
    const plane = run(testSeed(t, 11), 1e9);
    const short = plane.delivered.filter((ps, i) => i > 0 && ps.at(-1)!.header.seq < LAST_SEQ - 40).length;
    t.diagnostic(`${short} receivers end more than 40 packets early`);
    assert.ok(short > 10);
  });
});

describe('the reliable module reports what it gives up (simulator, 20 SCXs)', () => {
  it('SCXs cut off for 12.5 s: every (receiver, seq) is delivered or reported lost, some reported', (t) => {
    const seed = testSeed(t, 5);
    // Every data packet into SCXs 5 and 6 is lost from 11 s to 23.5 s: past the stream's end (20 s), and longer than
    // the caches keep packets (cacheMs, 10 s), so the oldest missing ones cannot be repaired from anywhere.
    const cut = (_i: number, j: number, now: number): boolean => (j === 5 || j === 6) && now >= 11_000 && now < 23_500;
    const plane = simBroadcast({ ...SMALL, factory: reliableFactory(), seed, source: 0, lostOnHop: cut });
    const m = coverage(plane, LAST_SEQ + 1);
    const reasons = new Set(plane.delivered.flat().filter(isLossReport).map((p) => (decodeLossReport(p) as { value: { reason: string } }).value.reason));
    t.diagnostic(`${plane.lost} packets lost on hops, ${m.reported} (receiver, seq) reported lost (${[...reasons].join(', ')}), ${m.undetected} undetected`);
    assert.equal(m.undetected, 0, 'a silent loss');
    assert.equal(m.orderDefects, 0);
    assert.ok(m.reported > 0, 'nothing given up: the test would prove nothing');
    for (const i of [5, 6]) assert.ok(plane.delivered[i]!.some(isLossReport), `SCX ${i} reported nothing`);
  });
});

describe('the reliable module at one SCX: SPMs, UNAVAILABLE and loss reports, step by step', () => {
  const pkt = (seq: number, sourceScx = 'src') =>
    encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'client', sourceScx }, new Uint8Array(8));
  /** Deliveries since the last call: seqs, and loss reports as `lost:first+count:reason`. */
  const delivered = (rt: ChannelRuntime): Array<number | string> => {
    const out: Array<number | string> = [];
    for (let p = rt.pollDelivery(); p; p = rt.pollDelivery()) {
      const r = isLossReport(p) ? decodeLossReport(p) : undefined;
      out.push(r?.ok ? `lost:${r.value.first}+${r.value.count}:${r.value.reason}` : p.header.seq);
    }
    return out;
  };
  /** Control messages since the last call, as `to:kind:detail`. */
  const controls = (rt: ChannelRuntime): string[] => {
    const out: string[] = [];
    for (let c = rt.pollControl(); c; c = rt.pollControl()) {
      if (c.data[0] === SPM_TYPE) {
        const s = decodeSpm(c.data);
        assert.ok(s.ok);
        out.push(`${c.to}:spm:${s.value.lead}/${s.value.trail}`);
      } else {
        const n = decodeNack(c.data, c.data[0] === NACK_TYPE ? NACK_TYPE : UNAVAILABLE_TYPE);
        assert.ok(n.ok);
        const seqs = n.value.ranges.flatMap((r) => Array.from({ length: r.count }, (_, k) => r.first + k));
        out.push(`${c.to}:${c.data[0] === NACK_TYPE ? 'nack' : 'unavailable'}:${seqs.join(',')}`);
      }
    }
    return out;
  };

  it('a relay: an SPM past its last packet opens NACKs and is passed on; UNAVAILABLE gives up and is reported in place', () => {
    const tree = { upstream: () => 'up', downstream: () => ['b'], neighbourIds: () => ['up', 'b'] };
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: reliableFactory(), tree });
    for (let seq = 0; seq < 5; seq++) rt.receive(seq, 'up', pkt(seq));
    assert.deepEqual(delivered(rt), [0, 1, 2, 3, 4]);
    const spm = encodeSpm({ source: 'src', lead: 8, trail: 6 });
    rt.receiveControl(100, 'b', spm);
    assert.deepEqual(controls(rt), [], 'an SPM from a downstream link is ignored');
    rt.receiveControl(100, 'up', spm);
    // 5..8 are missing; 5 is before the trail: given up at once, reported; 6..8 NACKed after nackDelayMs.
    assert.deepEqual(controls(rt), ['b:spm:8/6'], 'passed on down the tree');
    assert.deepEqual(delivered(rt), ['lost:5+1:unavailable']);
    rt.handleTimeout(110);
    assert.deepEqual(controls(rt), ['up:nack:6,7,8']);
    rt.receiveControl(120, 'b', encodeNack('src', toRanges([7, 8])[0]!));
    assert.deepEqual(controls(rt), [], 'b joins the soft state: suppressed');
    rt.receive(130, 'up', pkt(6));
    assert.deepEqual(delivered(rt), [6]);
    rt.receiveControl(140, 'up', encodeNack('src', [{ first: 7, count: 2 }], UNAVAILABLE_TYPE));
    assert.deepEqual(delivered(rt), ['lost:7+2:unavailable'], 'one report for the run');
    assert.deepEqual(controls(rt), ['b:unavailable:7,8'], 'b, who asked, is told too');
    rt.receive(150, 'up', pkt(9));
    assert.deepEqual(delivered(rt), [9]);
    const s = (rt.module as ReliableModule).stats;
    assert.deepEqual([s.spmGaps, s.giveUps, s.lossReports, s.unavailableReceived, s.controlNotUpstream], [4, 3, 2, 2, 1]);
    assert.equal(rt.stats.drops.stale, 3);
  });

  it('the source SCX: an opening SPM, heartbeats after the last packet backing off, UNAVAILABLE for what it lacks', () => {
    const tree = { upstream: () => undefined, downstream: () => ['b', 'c'], neighbourIds: () => ['b', 'c'] };
    const rt = new ChannelRuntime({ self: 'src', channel: 1, factory: reliableFactory({ cachePackets: 4 }), tree });
    rt.receive(0, LOCAL_LINK, pkt(0));
    assert.deepEqual(controls(rt), ['b:spm:4294967295/0', 'c:spm:4294967295/0'], 'announced before anything is missed');
    for (let seq = 1; seq < 10; seq++) rt.receive(seq * 20, LOCAL_LINK, pkt(seq));
    controls(rt);
    const times: number[] = [];
    while (times.length < 7) {
      const at = rt.nextDeadline()!;
      rt.handleTimeout(at);
      const c = controls(rt);
      if (c.length > 0) {
        assert.deepEqual(c, ['b:spm:9/6', 'c:spm:9/6'], 'lead: the last seq; trail: the oldest cached');
        times.push(at - 180);
      }
    }
    assert.deepEqual(times, [100, 300, 700, 1500, 3100, 5100, 7100], 'spmIdleMs, doubling up to spmMaxMs');
    rt.takeReady().forEach((l) => rt.dequeue(l));
    rt.receiveControl(7200, 'b', encodeNack('src', [{ first: 2, count: 6 }]));
    assert.deepEqual(controls(rt), ['b:unavailable:2,3,4,5'], 'not cached at the source: lost for good');
    assert.deepEqual(rt.takeReady(), ['b'], '6 and 7 are retransmitted');
    assert.deepEqual(rt.dequeue('b').map((p) => p.header.seq), [6, 7]);
  });

  it('a data packet from the network claiming to be a loss report is dropped as malformed', () => {
    const tree = { upstream: () => 'up', downstream: () => [], neighbourIds: () => ['up'] };
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: reliableFactory(), tree });
    const forged = encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq: 0, timestampMs: 0, source: '!loss', sourceScx: 'src' }, new Uint8Array(5));
    rt.receive(0, 'up', forged);
    assert.deepEqual(delivered(rt), []);
    assert.equal(rt.stats.drops.malformed, 1);
  });
});
