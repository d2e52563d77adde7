import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Harness } from '../../support/harness.ts';

/** Latencies of a small irregular underlay, ms. */
const spread = (i: number, j: number): number => (i === j ? 0 : 5 + ((i * 13 + j * 13 + i * j) % 41));

describe('liveness: leaves, failures, heartbeat, partitions', () => {
  it('a clean LEAVE is flooded once to everyone and its neighbours drop it at once', () => {
    const h = new Harness(6, { latencyMs: spread }).joinAll([0]).drive(60000);
    const leaverNeighbours = h.node(3).neighbours.ids();
    assert.ok(leaverNeighbours.length > 0);
    h.sim.leave(3, 60000);
    h.drive(61000);
    for (let i = 0; i < h.size; i++) {
      if (i === 3) continue;
      const dead = h.events('scx-dead', i).filter((l) => l.event.scx === 's3');
      assert.equal(dead.length, 1, `s${i} heard of the leave exactly once`);
      assert.equal(dead[0]?.event.reason, 'left');
      assert.ok(!h.node(i).neighbours.has('s3'));
      assert.ok(h.node(i).membership.isDead('s3'));
    }
    for (const peer of leaverNeighbours) {
      const down = h.events('neighbour-down', h.sim.index(peer)).find((l) => l.event.peer === 's3');
      assert.equal(down?.event.reason, 'left');
      assert.ok((down?.at as number) - 60000 <= 50, `${peer} dropped s3 within one link latency`);
    }
    h.drive(200000);
    assert.ok(h.connected((i) => i !== 3));
    for (let i = 1; i < h.size; i++) if (i !== 3) assert.ok(h.node(i).route('s0'), `s${i} still routes to s0`);
  });

  it('a silent crash is detected by its neighbours and flooded as a failure within the timeout', () => {
    const h = new Harness(8, { latencyMs: spread }).joinAll([0]).drive(90000);
    const neighbours = h.node(5).neighbours.ids();
    assert.ok(neighbours.length > 0, 's5 has no neighbours: no one would have to detect the crash');
    h.sim.crash(5, 90000);
    h.drive(100000);
    const { neighbourTimeoutMs, suspicionMs, keepaliveIntervalMs } = h.node(0).config;
    const bound = neighbourTimeoutMs + suspicionMs + keepaliveIntervalMs + 100;
    for (const peer of neighbours) {
      const down = h.events('neighbour-down', h.sim.index(peer)).find((l) => l.event.peer === 's5');
      assert.equal(down?.event.reason, 'failed');
      assert.ok((down?.at as number) - 90000 <= bound, `${peer} detected the crash in ${(down?.at as number) - 90000} ms`);
    }
    for (let i = 0; i < h.size; i++) {
      if (i === 5) continue;
      assert.ok(h.node(i).membership.isDead('s5'), `s${i} knows s5 is dead`);
    }
  });

  it('a driver hint (a broken connection) makes a crash known within suspicionMs; a live suspect is kept', () => {
    const h = new Harness(8, { latencyMs: spread }).joinAll([0]).drive(90000);
    const neighbours = h.node(5).neighbours.ids();
    assert.ok(neighbours.length > 0, 's5 has no neighbours: the hint would be given to no one');
    // A live suspect: a neighbour of s2 that is not the crashed s5.
    const alive = h.node(2).neighbours.ids().find((id) => id !== 's5');
    assert.ok(alive !== undefined, 's2 has no neighbour besides s5 to suspect');
    const hintsBefore = neighbours.map((peer) => h.node(h.sim.index(peer) as number).stats.suspectHints);
    const s2HintsBefore = h.node(2).stats.suspectHints;
    h.sim.crash(5, 90000);
    h.sim.at(90000, () => {
      for (const peer of neighbours) h.node(h.sim.index(peer) as number).suspect(90000, 's5');
      h.node(2).suspect(90000, alive);
    });
    h.drive(100000);
    const { suspicionMs, keepaliveIntervalMs } = h.node(0).config;
    for (const [k, peer] of neighbours.entries()) {
      const down = h.events('neighbour-down', h.sim.index(peer)).find((l) => l.event.peer === 's5');
      assert.equal(down?.event.reason, 'failed');
      assert.ok((down?.at as number) - 90000 <= suspicionMs + keepaliveIntervalMs + 100, `${peer} took ${(down?.at as number) - 90000} ms`);
      assert.ok(h.node(h.sim.index(peer) as number).stats.suspectHints > (hintsBefore[k] as number), `${peer} counted no hint`);
    }
    // The live suspect was suspected (the hint counted), pinged, answered, and kept well past suspicionMs.
    assert.equal(h.node(2).stats.suspectHints - s2HintsBefore, neighbours.includes('s2') ? 2 : 1, 's2 counted a hint for each suspect');
    assert.ok(h.node(2).neighbours.has(alive), `${alive}, a suspect that answers the ping, is no longer a neighbour of s2`);
    assert.ok(!h.events('neighbour-down', 2).some((l) => l.event.peer === alive), `s2 dropped ${alive} (and took it back)`);
    assert.ok(!h.events('scx-dead').some((l) => l.event.scx === alive), `${alive} was declared dead`);
  });

  it('the lowest rendezvous generates the heartbeat; when it dies the next one takes over', () => {
    const h = new Harness(8, { latencyMs: spread, rendezvous: [0, 1] }).joinAll([2]).drive(40000);
    for (let i = 0; i < h.size; i++) assert.equal(h.node(i).generator, 's0', `s${i} follows s0`);
    assert.equal(h.events('heal').length, 0, 'no heal while the mesh is whole');
    h.sim.crash(0, 40000);
    h.drive(120000);
    for (let i = 1; i < h.size; i++) assert.equal(h.node(i).generator, 's1', `s${i} follows s1`);
    assert.ok(h.connected((i) => i !== 0));
  });

  it('a partition heals into one mesh once the network does, with routes on both sides', () => {
    const h = new Harness(16, { latencyMs: spread, seed: 3 }).joinAll([0]).drive(120000);
    const left = [0, 1, 2, 3, 4, 5, 6, 7];
    const right = [8, 9, 10, 11, 12, 13, 14, 15];
    h.sim.at(120000, () => h.sim.faults.partition([left, right]));
    h.sim.at(180000, () => h.sim.faults.healPartition());
    h.drive(179000);
    for (const e of h.edges()) {
      const [a, b] = e.split('|').map(Number) as [number, number];
      assert.equal(a < 8, b < 8, `edge ${e} crosses the cut`);
    }
    assert.ok(h.events('heal').some((l) => l.scx >= 8), 'the cut-off side tried to heal');
    h.drive(300000);
    assert.ok(h.connected(), 'one mesh again');
    for (let i = 1; i < h.size; i++) assert.ok(h.node(i).route('s0'), `s${i} routes to s0 again`);
  });

  it('discovery goes on among members when the only rendezvous dies', () => {
    const h = new Harness(10, { latencyMs: spread }).joinAll();
    h.sim.crash(0, 6000);
    h.drive(150000);
    for (let i = 1; i < h.size; i++) {
      const others = Array.from({ length: 9 }, (_, k) => `s${k + 1}`).filter((id) => id !== `s${i}`);
      for (const id of others) assert.ok(h.node(i).membership.has(id), `s${i} knows ${id}`);
    }
    assert.ok(h.connected((i) => i !== 0));
  });

  it('drops malformed input, counts it, reports it, and keeps working', () => {
    const h = new Harness(2).joinAll().drive(10000);
    const node = h.node(0);
    for (const garbage of [new Uint8Array([]), new Uint8Array([9, 1]), new Uint8Array([1, 200]), new Uint8Array([1, 8, 1, 255])]) {
      assert.doesNotThrow(() => node.handleMessage(10000, 's1', garbage));
    }
    assert.equal(node.stats.malformed, 4);
    const dropped: string[] = [];
    for (let e = node.pollEvent(); e; e = node.pollEvent()) if (e.type === 'message-dropped') dropped.push(e.code);
    assert.deepEqual(dropped, ['ERR_WIRE_TRUNCATED', 'ERR_WIRE_VERSION', 'ERR_WIRE_UNKNOWN_TYPE', 'ERR_WIRE_TRUNCATED']);
    h.drive(20000);
    assert.deepEqual(node.neighbours.ids(), ['s1']);
  });
});

describe('liveness under message loss', () => {
  it('a neighbour we still hear is not believed dead on a third party report, and lost acks leave no one-sided edge', () => {
    const h = new Harness(12, { latencyMs: spread, seed: 9 }).joinAll([0]);
    h.sim.faults.setLoss(0.1);
    h.drive(300000);
    h.sim.faults.setLoss(0);
    h.drive(330000);
    for (const e of h.edges()) {
      const [a, b] = e.split('|').map(Number) as [number, number];
      assert.ok(h.node(a).neighbours.has(h.id(b)) && h.node(b).neighbours.has(h.id(a)), `edge ${e} is one-sided`);
    }
    const failed = h.events('scx-dead').filter((l) => l.event.reason === 'failed');
    assert.equal(failed.length, 0, 'no false failure verdict at 10% loss');
    assert.ok(h.connected());
    for (let i = 1; i < h.size; i++) assert.ok(h.node(i).route('s0'), `s${i} routes to s0`);
  });
});
