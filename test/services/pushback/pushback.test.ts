import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BOTTLENECK, runTree } from '../../../scripts/bench-transport/pushback.ts';
import { RateFollower } from '../../../src/client/rate-follower.ts';
import { CONGESTION_TYPE, decodeCongestion, encodeCongestion } from '../../../src/services/pushback/notice.ts';
import { PushbackModule, pushback, pushbackBranch, pushbackFactory } from '../../../src/services/pushback/pushback.ts';
import { encodeDataPacket } from '../../../src/session/data-header.ts';
import { ChannelRuntime, type TreeView } from '../../../src/transport/channel-runtime.ts';
import { LOCAL_LINK } from '../../../src/transport/service-module.ts';
import { testSeed } from '../../support/seed.ts';

const SEED = 11;
const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(2)}%`;

describe('the pushback module in the simulator (source 0 -> 1 -> {2, 3 -> 4}, the sender following notices)', () => {
  it('slowest: a source at 2x the 1 Mbit/s bottleneck settles within 3 s, then loses < 1% at every receiver', (t) => {
    const seed = testSeed(t, SEED);
    const r = runTree({ factory: pushback, seed, fastCap: undefined, slowCap: BOTTLENECK, offer: 2 * BOTTLENECK, goal: BOTTLENECK, streamMs: 12_000 });
    t.diagnostic(`send rates / bottleneck per 0.5 s: ${r.sendRates.map((x) => (x / BOTTLENECK).toFixed(2)).join(' ')}`);
    t.diagnostic(`settled after ${r.settleMs} ms; lost ${r.lostSlow} + ${r.lostFast} of ${r.sentSettled}; ${r.clientNotices} notices to the sender`);
    assert.ok(r.settleMs !== undefined && r.settleMs <= 3000, `settled after ${r.settleMs} ms`);
    assert.ok(r.sentSettled > 500, `only ${r.sentSettled} packets after settling`);
    assert.ok(r.lostSlow / r.sentSettled < 0.01, `bottleneck receiver lost ${pct(r.lostSlow, r.sentSettled)}`);
    assert.ok(r.lostFast / r.sentSettled < 0.01, `other receiver lost ${pct(r.lostFast, r.sentSettled)}`);
    assert.ok(r.goodputSlow >= 0.85 * BOTTLENECK, `bottleneck receiver got ${r.goodputSlow} bytes/s`);
  });

  it('per-branch: a 2 Mbit/s branch keeps its rate beside a 1 Mbit/s one; slowest on the same tree slows it', (t) => {
    const seed = testSeed(t, SEED);
    const tree = { seed, fastCap: 2 * BOTTLENECK, slowCap: BOTTLENECK, offer: 3 * BOTTLENECK, streamMs: 12_000 };
    const per = runTree({ factory: pushbackBranch, goal: 2 * BOTTLENECK, ...tree });
    const slow = runTree({ factory: pushback, goal: BOTTLENECK, ...tree });
    t.diagnostic(`per-branch: fast ${per.goodputFast.toFixed(0)} B/s, slow ${per.goodputSlow.toFixed(0)} B/s (slow lost ${pct(per.lostSlow, per.sentSettled)})`);
    t.diagnostic(`slowest: fast ${slow.goodputFast.toFixed(0)} B/s, slow ${slow.goodputSlow.toFixed(0)} B/s`);
    assert.ok(per.goodputFast >= 0.9 * 2 * BOTTLENECK, `per-branch fast branch got ${per.goodputFast} bytes/s`);
    assert.ok(per.lostFast / per.sentSettled < 0.01, 'the fast branch lost nothing to the slow one');
    assert.ok(per.goodputSlow >= 0.85 * BOTTLENECK, 'the slow branch still gets its own bottleneck');
    assert.ok(slow.goodputFast <= 1.15 * BOTTLENECK, `slowest: the fast branch got ${slow.goodputFast} bytes/s, not slowed`);
  });
});

describe('the pushback module at one SCX', () => {
  const tree = (upstream: string | undefined, downstream: string[]): TreeView => ({
    upstream: () => upstream,
    downstream: () => downstream,
    neighbourIds: () => [...(upstream ? [upstream] : []), ...downstream],
  });
  const pkt = (seq: number, sourceScx = 'src') =>
    encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'client', sourceScx }, new Uint8Array(100));
  const controls = (rt: ChannelRuntime): string[] => {
    const out: string[] = [];
    for (let c = rt.pollControl(); c; c = rt.pollControl()) {
      const n = decodeCongestion(c.data);
      if (n.ok) out.push(`${c.to}:${n.value.source}@${n.value.rate}`);
    }
    return out;
  };
  /** Runs the module's timer to `until`; `drain` takes what it sent on its links after each step. Packets taken. */
  const runUntil = (rt: ChannelRuntime, until: number, drain: readonly string[] = []): number => {
    let n = 0;
    for (let at = rt.nextDeadline(); at !== undefined && at <= until; at = rt.nextDeadline()) {
      rt.handleTimeout(at);
      for (const link of drain) n += rt.dequeue(link).length;
    }
    return n;
  };

  it("a relay passes its branches' notices upstream by its policy, refuses notices from elsewhere", () => {
    for (const [factory, expected] of [
      [pushback, 'up:src@3000'],
      [pushbackBranch, 'up:src@9000'],
    ] as const) {
      const rt = new ChannelRuntime({ self: 'a', channel: 1, factory, tree: tree('up', ['b', 'c']) });
      rt.receive(0, 'up', pkt(0));
      rt.receiveControl(1, 'b', encodeCongestion('src', 3000));
      rt.receiveControl(1, 'c', encodeCongestion('src', 9000));
      rt.receiveControl(1, 'x', encodeCongestion('src', 10));
      rt.receiveControl(1, 'b', encodeCongestion('other', 10));
      runUntil(rt, 60);
      assert.deepEqual(controls(rt), [expected], factory.names[0]);
      const m = rt.module as PushbackModule;
      assert.equal(m.stats.noticesReceived, 2);
      assert.equal(m.stats.noticesRefused, 2, 'a link not downstream, and an untracked source');
      runUntil(rt, 1000);
      assert.deepEqual(controls(rt), [expected, expected], 'repeated each noticeMs (200 ms) while the notices below hold (600 ms)');
      runUntil(rt, 2000);
      assert.deepEqual(controls(rt), [], 'the branch notices expired: nothing more to say');
    }
  });

  it('per-branch: one uncongested branch means no notice at all', () => {
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: pushbackBranch, tree: tree('up', ['b', 'c']) });
    rt.receive(0, 'up', pkt(0));
    rt.receiveControl(1, 'b', encodeCongestion('src', 3000));
    runUntil(rt, 300);
    assert.deepEqual(controls(rt), []);
  });

  it('the source SCX paces its local source to the limit, tells the sender, probes upwards and lifts the limit', () => {
    const factory = pushbackFactory({ liftMs: 3000 }, {}, ['pushback'], 'test');
    const rt = new ChannelRuntime({ self: 'src', channel: 1, factory, tree: tree(undefined, ['b']) });
    const m = rt.module as PushbackModule;
    rt.receive(0, LOCAL_LINK, pkt(0));
    rt.dequeue('b');
    rt.receiveControl(10, 'b', encodeCongestion('src', 10_000));
    runUntil(rt, 60);
    assert.equal(m.limitOf('src'), 9000, 'backoff 0.9 of the notified rate');
    const told = rt.pollClientControl();
    assert.equal(told?.client, 'client');
    const notice = decodeCongestion(told?.data ?? new Uint8Array(0));
    assert.ok(notice.ok && notice.value.rate === 9000);
    // 50 packets of 165 bytes at once: 8,250 bytes, about 0.9 s at 9,000 bytes/s.
    let sent = 0;
    for (let seq = 1; seq <= 50; seq++) rt.receive(100, LOCAL_LINK, pkt(seq));
    sent += rt.dequeue('b').length;
    assert.ok(sent <= 2, `${sent} packets went at once: the burst is 20 ms of the rate`);
    sent += runUntil(rt, 600, ['b']);
    const bytes = sent * pkt(0).bytes.length;
    assert.ok(bytes >= 0.9 * 4500 && bytes <= 1.1 * 4700, `${bytes} bytes left in 0.5 s at 9000 bytes/s`);
    runUntil(rt, 1500, ['b']);
    assert.ok((m.limitOf('src') ?? 0) > 9000, 'no notice for probeMs: the limit grows');
    rt.receive(1600, LOCAL_LINK, pkt(51));
    runUntil(rt, 4000, ['b']);
    assert.equal(m.limitOf('src'), undefined, 'no notice for liftMs: lifted');
    const last = [...drain(rt)].at(-1);
    const lifted = decodeCongestion(last ?? new Uint8Array(0));
    assert.ok(lifted.ok && lifted.value.rate === 0, 'the sender is told the limit is lifted (rate 0)');
  });

  it('state stays bounded: maxSources sources, none for packets off the tree, notices about others cost nothing', () => {
    const factory = pushbackFactory({ forward: { maxSources: 8 } }, {}, ['pushback'], 'test');
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory, tree: tree('up', ['b']) });
    const m = rt.module as PushbackModule;
    for (let k = 0; k < 100; k++) rt.receive(k, 'b', pkt(0, `x${k}`));
    assert.equal(m.trackedSources, 0, 'packets from a link that is not the upstream');
    for (let k = 0; k < 100; k++) rt.receive(k, 'up', pkt(0, `s${k}`));
    assert.equal(m.trackedSources, 8);
    assert.equal(m.stats.sourcesRefused, 92);
    for (let k = 0; k < 10_000; k++) rt.receiveControl(200, 'b', encodeCongestion(`n${k}`, 1000));
    assert.equal(m.stats.noticesRefused, 10_000);
    assert.equal(m.trackedSources, 8);
  });

  it('malformed notices are dropped and counted, never thrown; bad options are refused when the factory is made', (t) => {
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: pushback, tree: tree('up', ['b']) });
    const good = encodeCongestion('src', 5);
    const bad = [Uint8Array.of(CONGESTION_TYPE), good.subarray(0, 5), Uint8Array.of(CONGESTION_TYPE, 0, 0, 0, 1, 0xff), new Uint8Array(300).fill(CONGESTION_TYPE)];
    for (const b of bad) assert.doesNotThrow(() => rt.receiveControl(0, 'b', b));
    assert.equal(rt.stats.drops.malformed, bad.length);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        rt.receiveControl(0, 'b', b);
        const d = decodeCongestion(b);
        if (d.ok) assert.deepEqual(decodeCongestion(encodeCongestion(d.value.source, d.value.rate)), d);
      }),
      { seed: testSeed(t, SEED) },
    );
    assert.throws(() => pushbackFactory({ backoff: 0 }, {}, ['x'], 'x'), RangeError);
    assert.throws(() => encodeCongestion('', 1), RangeError);
  });
});

describe('the rate follower (scattercast send --rate auto)', () => {
  it('follows the notices in packets/s, back to its ceiling when lifted, ignoring other bytes', () => {
    const f = new RateFollower(1000, 300);
    assert.equal(f.packetsPerSecond, 300);
    assert.equal(f.onControl(encodeCongestion('s0', 125_000)), true);
    assert.equal(f.packetsPerSecond, 125);
    assert.equal(f.onControl(Uint8Array.of(1, 2, 3)), false);
    assert.equal(f.packetsPerSecond, 125);
    f.onControl(encodeCongestion('s0', 0));
    assert.equal(f.packetsPerSecond, 300);
    assert.deepEqual([f.notices, f.ignored], [2, 1]);
  });

  it('paces by credit: about the rate over a second, unpaced without a limit or ceiling', () => {
    const f = new RateFollower(1000);
    assert.equal(f.allowance(0), Infinity);
    f.onControl(encodeCongestion('s0', 100_000));
    let sent = 0;
    for (let now = 0; now <= 1000; now += 7) {
      const n = f.allowance(now);
      f.took(n);
      sent += n;
    }
    assert.ok(sent >= 95 && sent <= 106, `${sent} packets in 1 s at 100/s`);
    assert.ok(f.waitMs() <= 10);
  });
});

function* drain(rt: ChannelRuntime): Generator<Uint8Array> {
  for (let c = rt.pollClientControl(); c; c = rt.pollClientControl()) yield c.data;
}
