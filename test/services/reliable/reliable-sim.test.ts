import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import { forwardUdp } from '../../../src/services/forward/forward.ts';
import { decodeLossReport, isLossReport } from '../../../src/services/reliable/loss-report.ts';
import { MAX_NACK_RANGES, NACK_TYPE, decodeNack, encodeNack, toRanges } from '../../../src/services/reliable/nack.ts';
import { ReliableModule, reliable, reliableFactory } from '../../../src/services/reliable/reliable.ts';
import { newReliableStats, type ReliableStats } from '../../../src/services/reliable/stats.ts';
import type { SimDataPlane } from '../../../src/sim/dataplane.ts';
import { encodeDataPacket, type DataPacket } from '../../../src/session/data-header.ts';
import { ChannelRuntime } from '../../../src/transport/channel-runtime.ts';
import type { ServiceModuleFactory } from '../../../src/transport/service-module.ts';
import { sequenceDefects } from '../../support/sequence.ts';
import { testSeed } from '../../support/seed.ts';
import { simStream } from '../../support/sim-stream.ts';

/** Default seed of the simulated stream (SC_SEED=n runs another; its losses follow SC_LOSS_SEED, else seed + 1). */
const SEED = 7;
const LOSS = 0.05;
/** The source sends seqs 0..LAST_SEQ; packets lost on the way at the very end have no later packet to reveal them. */
const LAST_SEQ = 5949;
const TAIL_ALLOWANCE = 10;

/** The shared 16-SCX stream with 5% loss per hop, its seeds said as the test's diagnostics. */
function stream(t: TestContext, factory: ServiceModuleFactory): SimDataPlane {
  const seed = testSeed(t, SEED);
  const lossSeed = Number(process.env.SC_LOSS_SEED ?? seed + 1);
  t.diagnostic(`loss seed ${lossSeed} (replay with SC_LOSS_SEED=${lossSeed})`);
  return simStream({ factory, seed, lossRate: LOSS, lossSeed });
}

/** Gaps and duplicates (or reorderings) in one SCX's delivered packets. */
function defects(packets: readonly DataPacket[]): { gaps: number; duplicates: number } {
  return sequenceDefects(packets.map((p) => p.header.seq));
}

/** The reliable module's counters at SCX i. */
function statsOf(plane: SimDataPlane, i: number): ReliableStats {
  const m = plane.runtime(i).module;
  assert.ok(m instanceof ReliableModule);
  return m.stats;
}

/** The counters of all SCXs added up. */
function total(all: readonly ReliableStats[]): ReliableStats {
  const sum = newReliableStats();
  for (const s of all) for (const k of Object.keys(sum) as Array<keyof ReliableStats>) sum[k] = k === 'maxRepairMs' ? Math.max(sum[k], s[k]) : sum[k] + s[k];
  return sum;
}

describe(`the reliable module in the simulator, ${LOSS * 100}% loss per hop`, () => {
  it('every SCX delivers every packet from its first, in order, without duplicates; NACKs are suppressed', (t) => {
    const plane = stream(t, reliable);
    const stats = plane.delivered.map((_, i) => statsOf(plane, i));
    const sum = total(stats);
    const atSource = stats[3]!;
    t.diagnostic(`packets lost on hops: ${plane.lost}`);
    t.diagnostic(
      `gaps detected ${sum.gapsDetected}, NACK seqs sent ${sum.nackSeqsSent} in ${sum.nacksSent} messages (retries ${sum.nackRetries}), ` +
        `suppressed ${sum.nackSeqsSuppressed}, forwarded upstream ${sum.nackSeqsForwarded}`,
    );
    t.diagnostic(
      `NACK seqs reaching the source SCX ${atSource.nackSeqsReceived}; retransmissions from caches ${sum.retransmissions}, ` +
        `repairs relayed ${sum.repairsForwarded}, give-ups ${sum.giveUps}, unrepairable ${sum.unrepairable}, longest repair ${sum.maxRepairMs.toFixed(0)} ms`,
    );
    assert.ok(plane.lost > 1000, `only ${plane.lost} packets lost: the test would prove nothing`);
    for (let i = 0; i < plane.delivered.length; i++) {
      const got = plane.delivered[i]!;
      assert.ok(got.length > 5000, `SCX ${i} delivered only ${got.length} packets`);
      assert.deepEqual(defects(got), { gaps: 0, duplicates: 0 }, `SCX ${i}`);
      assert.ok(got.at(-1)!.header.seq >= LAST_SEQ - TAIL_ALLOWANCE, `SCX ${i} is missing the tail after ${got.at(-1)!.header.seq}`);
      assert.equal(plane.runtime(i).stats.drops.stale, undefined, `SCX ${i} gave up packets`);
    }
    assert.equal(sum.giveUps, 0);
    assert.ok(sum.retransmissions > 0 && sum.repairsForwarded > 0, 'repairs came from caches and were relayed by SCXs that lacked them');
    // Suppression: a loss near the source is missed by a whole subtree, yet only the SCX below the lossy hop asks the source.
    assert.ok(sum.nackSeqsSuppressed > 0, 'no NACK was ever suppressed');
    assert.ok(
      atSource.nackSeqsReceived < sum.gapsDetected / 2,
      `the source SCX got ${atSource.nackSeqsReceived} NACKed seqs for ${sum.gapsDetected} gaps: no suppression`,
    );
  });

  it('the same run with the forward module (no repair) shows gaps: the check can fail', (t) => {
    const plane = stream(t, forwardUdp);
    const gaps = plane.delivered.reduce((acc, got) => acc + defects(got).gaps, 0);
    t.diagnostic(`forward: ${gaps} gaps over all SCXs, ${plane.lost} packets lost on hops`);
    assert.ok(gaps > 100, `forward left only ${gaps} gaps`);
  });
});

describe('the reliable module control path', () => {
  it('NACKs round-trip through ranges, wrapping at 2^32', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 600 }), fc.nat(), (offsets, base) => {
        const seqs = offsets.sort((a, b) => a - b).map((o) => (base + o) >>> 0);
        const back: number[] = [];
        for (const ranges of toRanges(seqs)) {
          assert.ok(ranges.length <= MAX_NACK_RANGES);
          const nack = decodeNack(encodeNack('s3', ranges));
          assert.ok(nack.ok && nack.value.source === 's3');
          for (const r of nack.value.ranges) for (let k = 0; k < r.count; k++) back.push((r.first + k) >>> 0);
        }
        assert.deepEqual(back, seqs);
      }),
      { seed },
    );
  });

  it('malformed control messages are dropped and counted, never thrown', (t) => {
    const good = encodeNack('s3', [{ first: 1, count: 2 }]);
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(NACK_TYPE),
      Uint8Array.of(NACK_TYPE, 0, 1, 0, 0, 0, 1, 0, 1),
      good.subarray(0, good.length - 1),
      Uint8Array.of(...good, 0),
      Uint8Array.of(NACK_TYPE, 2, 0xff, 0xfe, 1, 0, 0, 0, 1, 0, 1),
      Uint8Array.of(NACK_TYPE, 1, 0x41, 1, 0, 0, 0, 1, 0, 0),
      Uint8Array.of(NACK_TYPE, 1, 0x41, 2, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 1, 0xff, 0xff),
      Uint8Array.of(99, 1, 2, 3),
    ];
    const tree = { upstream: () => 'up', downstream: () => [], neighbourIds: () => ['up'] };
    const rt = new ChannelRuntime({ self: 's1', channel: 1, factory: reliable, tree });
    for (const b of bad) assert.doesNotThrow(() => rt.receiveControl(0, 'down', b));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => void rt.receiveControl(0, 'down', b)), { seed: testSeed(t, SEED) });
    assert.equal(rt.stats.drops.malformed! >= bad.length, true);
    const back = decodeNack(good);
    assert.ok(back.ok && back.value.ranges.length === 1);
  });
});

describe('the reliable module at one SCX, step by step (paper 5.1)', () => {
  // SCX "a": upstream "up" towards source SCX "src", downstream links "b" and "c"; a 4-packet repair cache.
  const tree = { upstream: () => 'up', downstream: () => ['b', 'c'], neighbourIds: () => ['up', 'b', 'c'] };
  const make = () => new ChannelRuntime({ self: 'a', channel: 1, factory: reliableFactory({ cachePackets: 4 }), tree });
  const pkt = (seq: number) =>
    encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'client', sourceScx: 'src' }, new Uint8Array(8));
  const nack = (...seqs: number[]) => encodeNack('src', toRanges(seqs)[0]!);
  /** NACKs sent since the last call: `to:seq,seq`. */
  const nacks = (rt: ChannelRuntime): string[] => {
    const out: string[] = [];
    for (let c = rt.pollControl(); c; c = rt.pollControl()) {
      const d = decodeNack(c.data);
      assert.ok(d.ok);
      const n = d.value;
      out.push(`${c.to}:${n.ranges.flatMap((r) => Array.from({ length: r.count }, (_, k) => r.first + k)).join(',')}`);
    }
    return out;
  };
  /** Packets put on links since the last call: `link:seq,seq`. */
  const sent = (rt: ChannelRuntime): string[] =>
    rt
      .takeReady()
      .sort()
      .map((l) => `${l}:${rt.dequeue(l).map((p) => p.header.seq).join(',')}`);
  /** Deliveries since the last call: a packet's seq, a loss report as `lost:first+count`. */
  const delivered = (rt: ChannelRuntime): Array<number | string> => {
    const out: Array<number | string> = [];
    for (let p = rt.pollDelivery(); p; p = rt.pollDelivery()) {
      const report = isLossReport(p) ? decodeLossReport(p) : undefined;
      if (report?.ok) out.push(`lost:${report.value.first}+${report.value.count}`);
      else out.push(p.header.seq);
    }
    return out;
  };
  const stats = (rt: ChannelRuntime) => (rt.module as ReliableModule).stats;

  it('a gap is NACKed upstream after the delay; NACKs from other links join the soft state; the repair goes only to them', () => {
    const rt = make();
    rt.receive(0, 'up', pkt(0));
    rt.receive(1, 'up', pkt(2));
    assert.deepEqual(delivered(rt), [0]);
    assert.deepEqual(sent(rt), ['b:0,2', 'c:0,2']);
    assert.equal(rt.nextDeadline(), 11);
    rt.receiveControl(5, 'b', nack(1));
    assert.deepEqual(nacks(rt), [], 'b joins the request a is about to send');
    rt.handleTimeout(11);
    assert.deepEqual(nacks(rt), ['up:1']);
    rt.receiveControl(12, 'c', nack(1));
    assert.deepEqual(nacks(rt), [], 'c is suppressed: a already asked');
    rt.receive(20, 'up', pkt(1));
    assert.deepEqual(delivered(rt), [1, 2], 'held packet 2 goes out after the repair');
    assert.deepEqual(sent(rt), ['b:1', 'c:1']);
    assert.equal(stats(rt).nackSeqsSuppressed, 2);
    rt.receiveControl(21, 'b', nack(1));
    assert.deepEqual(sent(rt), [], 'sent to b 1 ms ago: this NACK crossed the repair (nackEliminateMs)');
    assert.equal(stats(rt).nackSeqsEliminated, 1);
    rt.receiveControl(121, 'b', nack(1));
    assert.deepEqual(sent(rt), ['b:1'], 'a NACK for a cached packet: retransmitted on that link alone');
    assert.equal(stats(rt).retransmissions, 1);
  });

  it('a NACK for a packet a no longer caches goes upstream once; the state times out; retries back off, then give up', () => {
    const rt = make();
    for (let seq = 0; seq < 10; seq++) rt.receive(seq, 'up', pkt(seq));
    delivered(rt);
    sent(rt);
    rt.receiveControl(30, 'b', nack(2));
    assert.deepEqual(nacks(rt), ['up:2'], 'not cached any more: asked upstream on behalf of b');
    rt.receiveControl(31, 'c', nack(2));
    assert.deepEqual(nacks(rt), [], 'c suppressed');
    rt.receive(40, 'up', pkt(2));
    assert.deepEqual(sent(rt), ['b:2', 'c:2']);
    assert.deepEqual(delivered(rt), [], 'a delivered 2 long ago');
    // Soft state: b asks for 3, no repair comes; after stateMs (2000) the state is gone and c's NACK goes up again.
    rt.receiveControl(50, 'b', nack(3));
    assert.deepEqual(nacks(rt), ['up:3']);
    rt.receiveControl(60, 'c', nack(3));
    assert.deepEqual(nacks(rt), []);
    assert.equal(rt.nextDeadline(), 2050, "b's state ends stateMs after it asked");
    rt.handleTimeout(2050);
    rt.handleTimeout(rt.nextDeadline()!);
    assert.equal(rt.nextDeadline(), undefined, 'all soft state expired');
    rt.receiveControl(2100, 'c', nack(3));
    assert.deepEqual(nacks(rt), ['up:3']);
    rt.handleTimeout(4100);
    // a's own gap at 11: NACKs at +10, then after 200, 400, 800 ms, then every 1000 ms (retryMaxMs), 12 in all; then delivery gives it up.
    rt.receive(5000, 'up', pkt(11));
    assert.deepEqual(delivered(rt), []);
    const times: number[] = [];
    for (let at = rt.nextDeadline(); at !== undefined; at = rt.nextDeadline()) {
      rt.handleTimeout(at);
      if (nacks(rt).length > 0) times.push(at - 5000);
    }
    assert.deepEqual(times, [10, 210, 610, 1410, 2410, 3410, 4410, 5410, 6410, 7410, 8410, 9410]);
    assert.deepEqual(delivered(rt), ['lost:10+1', 11], 'the give-up reported to the clients where 10 would have been');
    assert.equal(rt.stats.drops.stale, 1);
    assert.equal(stats(rt).giveUps, 1);
  });
});
