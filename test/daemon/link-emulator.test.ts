/**
 * The link emulator's core, sans-IO (given the times, it says when each message is released), its config section,
 * and its driver (real timers, a few ms).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Guard } from '../../src/net/guard.ts';
import { EmulatedReceive } from '../../src/daemon/emulated-receive.ts';
import { LinkEmulator, MAX_EMULATED_LINKS, RESUME_GAP_BYTES, type EmulatorConfig, type LinkProfile } from '../../src/daemon/link-emulator.ts';
import { emulateConfig, emulateConfigJson } from '../../src/daemon/link-emulator-config.ts';
import { nodeConfig, nodeConfigJson } from '../../src/daemon/node-config.ts';
import { testSeed } from '../support/seed.ts';

const link = (p: Partial<LinkProfile>): LinkProfile => ({ delayMs: 0, jitterMs: 0, loss: 0, rateKbps: 0, ...p });
const config = (seed: number, peers: Record<string, Partial<LinkProfile>>, extra: Partial<EmulatorConfig> = {}): EmulatorConfig => ({
  seed,
  maxQueueBytes: 1 << 20,
  peers: Object.entries(peers).map(([peer, p]) => ({ peer, link: link(p) })),
  ...extra,
});
const A = '10.0.0.1:7400';
const B = '10.0.0.2:7400';

describe('link emulator core', () => {
  it('delays what a rule names by its one-way delay; the exact host:port beats the host, the host beats default; others pass', () => {
    const e = new LinkEmulator(config(1, { [A]: { delayMs: 30 }, '10.0.0.2': { delayMs: 60 } }, { default: link({ delayMs: 5 }) }));
    assert.equal(e.datagram(A, 100, 1000), 1030);
    assert.equal(e.datagram(B, 100, 1000), 1060);
    assert.equal(e.datagram('10.0.0.2:9999', 100, 1000), 1060);
    assert.equal(e.datagram('10.9.9.9:7400', 100, 1000), 1005);
    assert.equal(e.ruleOf('10.9.9.9:7400')?.peer, 'default');
    const none = new LinkEmulator(config(1, { [A]: { delayMs: 30 } }));
    assert.equal(none.datagram(B, 100, 1000), undefined);
    assert.equal(none.stream(B, 100, 1000, { last: 0 }), undefined);
    assert.equal(none.emulates(B), false);
    assert.equal(none.emulates(A), true);
  });

  it('jitter stays within ±jitterMs, never below zero delay, and replays from its seed', (t) => {
    const seed = testSeed(t, 11);
    const draws = (s: number): number[] => {
      const e = new LinkEmulator(config(s, { [A]: { delayMs: 10, jitterMs: 4 }, [B]: { delayMs: 1, jitterMs: 5 } }));
      return Array.from({ length: 2000 }, (_, i) => e.datagram(i % 2 ? A : B, 10, 0) as number);
    };
    const d = draws(seed);
    for (const [i, at] of d.entries()) {
      if (i % 2) assert.ok(at >= 6 && at <= 14, `delay ${at} outside 10±4`);
      else assert.ok(at >= 0 && at <= 6, `delay ${at} outside max(0, 1±5)`);
    }
    assert.ok(new Set(d).size > 1000, 'jitter draws should differ');
    assert.deepEqual(draws(seed), d);
  });

  it("a stream's reads are released in order even when jitter would reorder them; datagrams may overtake", (t) => {
    const seed = testSeed(t, 12);
    const e = new LinkEmulator(config(seed, { [A]: { delayMs: 20, jitterMs: 15 } }));
    const order = { last: 0 };
    let prev = -Infinity;
    for (let now = 0; now < 500; now += 0.5) {
      const v = e.stream(A, 100, now, order);
      assert.ok(v && v.at >= prev, 'a read overtook an earlier one');
      assert.ok(v.at >= now + 5);
      prev = v.at;
    }
    const dgrams = Array.from({ length: 200 }, (_, i) => e.datagram(A, 100, i * 0.5) as number);
    assert.ok(dgrams.some((at, i) => i > 0 && at < (dgrams[i - 1] as number)), 'datagrams never reordered under 15 ms jitter');
  });

  it('loses datagrams at the configured rate, seeded; never a stream', (t) => {
    const seed = testSeed(t, 13);
    const run = (): Array<number | string | undefined> => {
      const e = new LinkEmulator(config(seed, { [A]: { delayMs: 1, loss: 0.2 } }));
      const out = Array.from({ length: 10_000 }, (_, i) => e.datagram(A, 10, i));
      for (let i = 0; i < 1000; i++) assert.equal(typeof e.stream(A, 10, i, { last: 0 })?.at, 'number');
      assert.equal(e.counters.get(A)?.drops.loss, out.filter((v) => v === 'loss').length);
      return out;
    };
    const out = run();
    const lost = out.filter((v) => v === 'loss').length / out.length;
    assert.ok(lost > 0.18 && lost < 0.22, `lost ${lost}, configured 0.2`);
    assert.deepEqual(run(), out, 'the same seed loses the same datagrams');
  });

  it('serialises at rateKbps: a burst leaves at the link rate, shared by streams and datagrams of one peer', () => {
    // 8000 kbit/s = 1000 bytes/ms.
    const e = new LinkEmulator(config(1, { [A]: { delayMs: 10, rateKbps: 8000 }, [B]: { rateKbps: 8000 } }));
    const at = Array.from({ length: 10 }, () => e.datagram(A, 1000, 100) as number);
    assert.deepEqual(at, [111, 112, 113, 114, 115, 116, 117, 118, 119, 120]);
    assert.equal(e.stream(A, 2000, 100, { last: 0 })?.at, 122, 'a stream waits behind the datagrams on the same link');
    assert.equal(e.datagram(B, 1000, 100), 101, 'another peer has a link of its own');
    assert.equal(e.datagram(A, 1000, 500), 511, 'an idle link starts afresh');
  });

  it('bounds what a link holds: datagrams past maxQueueBytes are dropped, a stream is told to stop until RESUME_GAP_BYTES below it', () => {
    const max = 200_000;
    const e = new LinkEmulator(config(1, { [A]: { delayMs: 100 } }, { maxQueueBytes: max }));
    for (let i = 0; i < 200; i++) assert.equal(typeof e.datagram(A, 1000, 0), 'number');
    assert.equal(e.datagram(A, 1, 0), 'queue-full');
    assert.equal(e.counters.get(A)?.drops['queue-full'], 1);
    const order = { last: 0 };
    assert.equal(e.stream(A, 500, 0, order)?.full, true, 'a stream is never dropped, but told to stop reading');
    assert.equal(e.counters.get(A)?.backpressure, 1);
    e.released(A, 500 + RESUME_GAP_BYTES - 1);
    assert.equal(e.drained(A), false);
    e.released(A, 1);
    assert.equal(e.drained(A), true);
    assert.equal(e.held(A), max - RESUME_GAP_BYTES);
  });

  it('keeps at most MAX_EMULATED_LINKS links: idle ones are forgotten, datagrams of new peers dropped while all hold bytes', () => {
    const e = new LinkEmulator(config(1, {}, { default: link({ delayMs: 1 }) }));
    const peer = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:7400`;
    for (let i = 0; i < MAX_EMULATED_LINKS; i++) assert.equal(typeof e.datagram(peer(i), 10, 0), 'number');
    assert.equal(e.datagram(peer(MAX_EMULATED_LINKS), 10, 0), 'overflow');
    assert.equal(e.counters.get('default')?.drops.overflow, 1);
    assert.equal(typeof e.stream(peer(MAX_EMULATED_LINKS + 1), 10, 0, { last: 0 })?.at, 'number', 'a stream still gets a link');
    e.released(peer(0), 10);
    e.released(peer(1), 10);
    assert.equal(typeof e.datagram(peer(MAX_EMULATED_LINKS + 2), 10, 0), 'number', 'an idle link made room');
  });
});

describe('the emulate config section', () => {
  const bad = (raw: unknown, code: string): void => {
    assert.throws(() => nodeConfig({ listen: '127.0.0.1:7400', emulate: raw }, '/'), (err: Error & { code?: string }) => {
      assert.equal(err.code, code, err.message);
      assert.ok(!err.message.includes('    at '), 'no stack trace in the message');
      return true;
    });
  };

  it('refuses hostile and malformed sections with ERR_CONFIG_* codes', () => {
    bad('on', 'ERR_CONFIG_TYPE');
    bad({ peers: { [A]: { delayMs: 1 } } }, 'ERR_CONFIG_TYPE');
    bad({ peers: [{ peer: A, delay: 1 }] }, 'ERR_CONFIG_UNKNOWN_KEY');
    bad({ peers: [{ peer: A, delayMs: '30' }] }, 'ERR_CONFIG_TYPE');
    bad(JSON.parse('{ "__proto__": { "delayMs": 1 }, "peers": [] }'), 'ERR_CONFIG_UNKNOWN_KEY');
    bad({ peers: [JSON.parse(`{ "peer": "${A}", "__proto__": { "delayMs": 1 } }`)] }, 'ERR_CONFIG_UNKNOWN_KEY');
    bad({ peers: [{ delayMs: 1 }] }, 'ERR_CONFIG_INVALID');
    bad({ peers: [{ peer: 'not an address!', delayMs: 1 }] }, 'ERR_CONFIG_INVALID');
    bad({ peers: [{ peer: 'x'.repeat(300), delayMs: 1 }] }, 'ERR_CONFIG_INVALID');
    bad({ peers: [{ peer: A, delayMs: 1 }, { peer: A, delayMs: 2 }] }, 'ERR_CONFIG_INVALID');
    for (const l of [{ delayMs: -1 }, { delayMs: 1e9 }, { delayMs: Number.NaN }, { jitterMs: -0.5 }, { loss: 1 }, { loss: -0.1 }, { rateKbps: 1 }, { rateKbps: Infinity }]) {
      bad({ peers: [{ peer: A, ...l }] }, 'ERR_CONFIG_INVALID');
      bad({ default: l }, 'ERR_CONFIG_INVALID');
    }
    bad({ seed: -1, default: {} }, 'ERR_CONFIG_INVALID');
    bad({ seed: 1.5, default: {} }, 'ERR_CONFIG_INVALID');
    bad({ maxQueueBytes: 10, default: {} }, 'ERR_CONFIG_INVALID');
    bad({ peers: Array.from({ length: 1025 }, (_, i) => ({ peer: `10.0.${i >> 8}.${i & 255}` })) }, 'ERR_CONFIG_INVALID');
  });

  it('is off unless it names a peer or a default; takes hosts, host:port and IPv6; round-trips through the config file form', () => {
    assert.equal(nodeConfig({ listen: '127.0.0.1:7400' }, '/').emulate, undefined);
    assert.equal(nodeConfig({ listen: '127.0.0.1:7400', emulate: {} }, '/').emulate, undefined);
    assert.equal(nodeConfig({ listen: '127.0.0.1:7400', emulate: { peers: [], seed: 3 } }, '/').emulate, undefined);
    const c = nodeConfig({ listen: '127.0.0.1:7400', seed: 9, emulate: { peers: [{ peer: A, delayMs: 30, jitterMs: 2, loss: 0.01, rateKbps: 10_000 }, { peer: 'db.example', delayMs: 1 }, { peer: '::1' }, { peer: '[::1]:7400' }] } }, '/');
    assert.equal(c.emulate?.seed, 9, 'the seed defaults to the node seed');
    assert.deepEqual(c.emulate?.peers[0], { peer: A, link: { delayMs: 30, jitterMs: 2, loss: 0.01, rateKbps: 10_000 } });
    assert.deepEqual(nodeConfig(nodeConfigJson(c), '/').emulate, c.emulate);
    const d = emulateConfig({ default: { delayMs: 5 } }, 1);
    assert.deepEqual(d && emulateConfig(emulateConfigJson(d), 2), d);
  });
});

describe('link emulator driver', () => {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const guard = (): Guard => new Guard((where, err) => assert.fail(`${where}: ${String(err)}`));

  it('hands a stream its reads in order after the delay, and pauses a stream past the bound until it drained', async () => {
    const e = new LinkEmulator(config(1, { [A]: { delayMs: 30, rateKbps: 8000 } }, { maxQueueBytes: 64 * 1024 }));
    const rx = new EmulatedReceive(e, guard());
    const events: string[] = [];
    const conn = { pauseReading: () => events.push('pause'), resumeReading: () => events.push('resume') };
    const got: number[] = [];
    const handle = rx.stream(A, conn, (frames) => got.push(...frames.map((f) => f.length)));
    const started = performance.now();
    handle([Buffer.alloc(40_000), Buffer.alloc(30_000)]); // 70 kB: over the bound, 70 ms to serialise
    handle([Buffer.alloc(1)]);
    assert.deepEqual(events, ['pause', 'pause']);
    assert.equal(rx.pending, 2);
    await sleep(60);
    assert.deepEqual(got, [], 'released before serialisation and delay');
    while (got.length < 3 && performance.now() - started < 2000) await sleep(5);
    assert.deepEqual(got, [40_000, 30_000, 1]);
    assert.ok(performance.now() - started >= 99, 'released before 70 ms of serialisation + 30 ms of delay');
    assert.deepEqual(events, ['pause', 'pause', 'resume']);
    const plain = (frames: Buffer[]): number => frames.length;
    assert.equal(rx.stream(B, conn, plain), plain, 'a peer no rule names gets the plain handler');
    rx.close();
  });

  it('delays, drops (counted) and lets datagrams through; close drops what it holds', async () => {
    const e = new LinkEmulator(config(1, { [A]: { delayMs: 20, loss: 0.5 } }));
    const rx = new EmulatedReceive(e, guard());
    let delivered = 0;
    for (let i = 0; i < 100; i++) rx.datagram(A, 10, () => delivered++);
    rx.datagram(B, 10, () => delivered++);
    assert.equal(delivered, 1, 'the plain peer at once, the emulated ones later');
    const lost = e.counters.get(A)?.drops.loss ?? 0;
    assert.ok(lost > 30 && lost < 70);
    await sleep(50);
    assert.equal(delivered, 101 - lost);
    rx.datagram(A, 10, () => delivered++);
    rx.close();
    await sleep(40);
    assert.ok(delivered <= 102 - lost);
    assert.equal(rx.pending, 0);
  });
});
