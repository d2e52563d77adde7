import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Millis } from '../../../src/core/time.ts';
import { DEFAULT_GOSSAMER_CONFIG } from '../../../src/gossamer/config.ts';
import { GossamerNode } from '../../../src/gossamer/node.ts';
import { decodeMessage, encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType } from '../../../src/gossamer/wire/messages.ts';
import { Harness } from '../../support/harness.ts';
import { testSeed } from '../../support/seed.ts';

/** Latencies of a small irregular underlay, ms (as in liveness.test.ts). */
const spread = (i: number, j: number): number => (i === j ? 0 : 5 + ((i * 13 + j * 13 + i * j) % 41));

/** Default seed of these runs (SC_SEED=n runs another). */
const SEED = 1;
const SIZE = 12;
/** The session's source SCX. */
const SOURCE = 3;
/** The rendezvous: s0 is first in election order ('s0' < 's6'), so it generates the heartbeat. */
const GENERATOR = 0;
const OTHER_RENDEZVOUS = 6;
const CUT_AT = 120000;

const live = (i: number): boolean => i !== GENERATOR;

/** Whether every live SCX follows `generator`. */
function agreed(h: Harness, generator: string): boolean {
  for (let i = 0; i < h.size; i++) if (live(i) && h.node(i).generator !== generator) return false;
  return true;
}

/** Whether every live SCX but the source routes to it through a live neighbour, on a path of live SCXs. */
function routed(h: Harness): boolean {
  for (let i = 0; i < h.size; i++) {
    if (!live(i) || i === SOURCE) continue;
    const route = h.node(i).route(h.id(SOURCE));
    if (!route || route.upstream === undefined || !h.node(i).neighbours.has(route.upstream)) return false;
    if (route.path.some((id) => !live(h.sim.index(id) as number))) return false;
  }
  return true;
}

interface Healed {
  readonly h: Harness;
  /** Virtual time from the heal of the network to one mesh, to routes everywhere, to one generator agreed, ms. */
  readonly mesh: Millis;
  readonly routes: Millis;
  readonly generator: Millis;
}

/**
 * Kills the generator s0 at the moment the network is cut in two halves, one of them without a surviving
 * rendezvous; heals the network `cutMs` later; watches each 100 ms until `bound` after the heal.
 */
function killAndCut(seed: number, halves: readonly [readonly number[], readonly number[]], cutMs: Millis, bound: Millis): Healed {
  const h = new Harness(SIZE, { latencyMs: spread, rendezvous: [GENERATOR, OTHER_RENDEZVOUS], seed }).joinAll([SOURCE]).drive(CUT_AT);
  assert.ok(h.connected(), 'one mesh before the cut');
  assert.ok(agreed(h, 's0'), 'everyone follows s0 before the cut');
  const healAt = CUT_AT + cutMs;
  h.sim.at(CUT_AT, () => {
    h.sim.faults.crash(GENERATOR);
    h.sim.faults.partition(halves);
  });
  h.sim.at(healAt, () => h.sim.faults.healPartition());
  h.drive(healAt - 1);
  // The cut held: no edge across it, no route to the source on the far side, and nobody still names the dead s0.
  const side = (i: number): number => (halves[0].includes(i) ? 0 : 1);
  for (const e of h.edges(live)) {
    const [a, b] = e.split('|').map(Number) as [number, number];
    assert.equal(side(a), side(b), `edge ${e} crosses the cut`);
  }
  const sourceSide = side(SOURCE);
  for (let i = 0; i < SIZE; i++) {
    if (!live(i)) continue;
    assert.notEqual(h.node(i).generator, 's0', `s${i} still names the dead s0 as its generator`);
    if (side(i) !== sourceSide) assert.equal(h.node(i).route(h.id(SOURCE)), undefined, `s${i} routes to the source across the cut`);
  }
  // The half without a rendezvous went looking beyond the dead generator: for s6, and for SCXs across the cut.
  const orphans = halves.find((half) => !half.includes(OTHER_RENDEZVOUS)) as readonly number[];
  const heals = h.events('heal').filter((l) => l.at >= CUT_AT && orphans.includes(l.scx));
  assert.ok(heals.some((l) => l.event.target === 's6'), 'the half without a rendezvous never tried s6');
  assert.ok(heals.some((l) => !orphans.includes(h.sim.index(l.event.target) as number) && l.event.target !== 's6'), 'it never tried an SCX across the cut');
  const seen = { mesh: NaN, routes: NaN, generator: NaN };
  for (let t = healAt; t <= healAt + bound; t += 100) {
    h.drive(t);
    if (Number.isNaN(seen.mesh) && h.connected(live)) seen.mesh = t - healAt;
    if (Number.isNaN(seen.routes) && routed(h)) seen.routes = t - healAt;
    if (Number.isNaN(seen.generator) && agreed(h, h.id(OTHER_RENDEZVOUS))) seen.generator = t - healAt;
  }
  // Whatever was seen on the way, all of it holds at the bound.
  assert.ok(h.connected(live), `not one mesh ${bound} ms after the heal: ${[...h.edges(live)].join(' ')}`);
  assert.ok(routed(h), `some SCX has no route to the source ${bound} ms after the heal`);
  assert.ok(agreed(h, h.id(OTHER_RENDEZVOUS)), `not every SCX follows s6 ${bound} ms after the heal`);
  return { h, ...seen };
}

/** Halves with the source s3 and the dead generator s0 on one side, the other rendezvous s6 on the other. */
const SOURCE_HALF_ORPHANED: [number[], number[]] = [
  [0, 1, 2, 3, 4, 5],
  [6, 7, 8, 9, 10, 11],
];
/** The same with the two rendezvous' halves swapped: the source's half keeps s6, the other half has none. */
const FAR_HALF_ORPHANED: [number[], number[]] = [
  [6, 1, 2, 3, 4, 5],
  [0, 7, 8, 9, 10, 11],
];

describe('a partition that outlives its heartbeat generator heals', () => {
  for (const [name, halves] of [
    ['the half without a surviving rendezvous holds the source', SOURCE_HALF_ORPHANED],
    ['with the rendezvous swapped, the half without one is the far side', FAR_HALF_ORPHANED],
  ] as const) {
    it(`generator killed as the mesh is cut, healed after 30 s: ${name}`, (t) => {
      const seed = testSeed(t, SEED);
      const { heartbeatIntervalMs } = DEFAULT_GOSSAMER_CONFIG;
      const bound = 2 * heartbeatIntervalMs + 2000;
      const r = killAndCut(seed, halves, 30000, bound);
      t.diagnostic(`after the heal: one mesh in ${r.mesh} ms, routes in ${r.routes} ms, one generator in ${r.generator} ms (bound ${bound} ms)`);
      // And it stays healed.
      r.h.drive(CUT_AT + 30000 + 120000);
      assert.ok(r.h.connected(live), 'the mesh split again');
      assert.ok(routed(r.h), 'routes lost again');
      assert.ok(agreed(r.h, 's6'), 'the generator changed again');
    });
  }

  it('an SCX whose heartbeat stopped keeps trying: a 10-minute cut heals as fast', (t) => {
    const seed = testSeed(t, SEED);
    const { heartbeatIntervalMs, requestTimeoutMs } = DEFAULT_GOSSAMER_CONFIG;
    const bound = 2 * heartbeatIntervalMs + 2000;
    const r = killAndCut(seed, SOURCE_HALF_ORPHANED, 600000, bound);
    t.diagnostic(`after the heal: one mesh in ${r.mesh} ms, routes in ${r.routes} ms, one generator in ${r.generator} ms (bound ${bound} ms)`);
    // Ten minutes of trying cost no edge: no heal CONNECT was accepted during the cut.
    const healEdges = r.h.events('heal').filter((l) => {
      if (l.at < CUT_AT || l.at >= CUT_AT + 600000) return false;
      return r.h.events('neighbour-up', l.scx).some((u) => u.event.peer === l.event.target && u.at >= l.at && u.at <= l.at + requestTimeoutMs);
    });
    assert.deepEqual(
      healEdges.map((l) => `s${l.scx}->${l.event.target}@${l.at}`),
      [],
      'heal CONNECTs made edges within a half during the cut',
    );
    const tries = r.h.events('heal').filter((l) => l.at >= CUT_AT + 540000 && l.at < CUT_AT + 600000);
    assert.ok(tries.length > 0, 'nobody was still trying in the last minute of the cut');
  });
});

describe('one cut-off SCX, heal by heal', () => {
  /** An SCX alone with two unreachable rendezvous: nothing it sends is answered. */
  function lonely(): { node: GossamerNode; heals: Array<{ at: Millis; to: string }>; run: (until: Millis) => void } {
    const node = new GossamerNode({ id: '10.0.0.20:7000', rendezvous: ['10.0.0.11:7000', '10.0.0.5:7000'], seed: 5 });
    const heals: Array<{ at: Millis; to: string }> = [];
    let now = 0;
    const take = (): void => {
      for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
        const msg = decodeMessage(t.data);
        if (msg.ok && msg.value.type === MessageType.CONNECT && msg.value.intent === ConnectIntent.HEAL) heals.push({ at: now, to: t.to });
      }
      while (node.pollEvent()) {
        // Events are not needed here.
      }
    };
    node.start(0);
    const run = (until: Millis): void => {
      for (; now <= until; now += 50) {
        if ((node.nextDeadline() ?? Infinity) <= now) node.handleTimeout(now);
        take();
      }
      now = until;
    };
    return { node, heals, run: (until) => (run(until), take()) };
  }

  it('tries the generator (first in numeric order), then on a refused connection the other rendezvous at once, and keeps trying', () => {
    const { node, heals, run } = lonely();
    const { heartbeatTimeoutMs, healDampingMs, requestTimeoutMs } = node.config;
    assert.equal(node.generator, '10.0.0.5:7000', 'before any heartbeat, the first rendezvous in election order');
    for (let t = 0; heals.length === 0 && t <= heartbeatTimeoutMs + healDampingMs + 1000; t += 50) run(t);
    assert.equal(heals.length, 1, 'no heal CONNECT by the end of the damping');
    const first = heals[0] as { at: Millis; to: string };
    assert.equal(first.to, '10.0.0.5:7000');
    assert.ok(first.at >= heartbeatTimeoutMs, `healed at ${first.at}, before the heartbeat timed out`);
    // The driver's hint (ECONNREFUSED): the next rendezvous is tried at once, and the dead generator is forgotten.
    node.suspect(first.at, '10.0.0.5:7000');
    run(first.at);
    assert.deepEqual(heals[1], { at: first.at, to: '10.0.0.11:7000' }, 'the other rendezvous was not tried at once');
    assert.equal(node.generator, '10.0.0.11:7000', 'a generator a heal could not reach is still followed');
    // No answer from the other either: it times out, and later heals go on, the rendezvous in turn.
    run(first.at + 120000);
    assert.ok(heals.length >= 10, `only ${heals.length} heal CONNECTs in two minutes`);
    for (let k = 1; k < heals.length; k++) {
      const gap = (heals[k] as { at: Millis }).at - (heals[k - 1] as { at: Millis }).at;
      assert.ok(gap <= requestTimeoutMs + healDampingMs + 2000, `a ${gap}-ms pause between heal CONNECTs`);
    }
    assert.deepEqual(new Set(heals.map((h) => h.to)), new Set(['10.0.0.5:7000', '10.0.0.11:7000']));
  });

  it('stops once a heartbeat comes, and follows its generator', () => {
    const { node, heals, run } = lonely();
    run(60000);
    assert.ok(heals.length > 0);
    const heartbeat = encodeMessage({ type: MessageType.HEARTBEAT, generator: '10.0.0.11:7000', seq: 7 });
    node.handleMessage(60000, '10.0.0.11:7000', heartbeat);
    const before = heals.length;
    run(60000 + node.config.heartbeatTimeoutMs - 100);
    assert.equal(node.generator, '10.0.0.11:7000');
    assert.equal(heals.length, before, 'healed while hearing the heartbeat');
  });
});
