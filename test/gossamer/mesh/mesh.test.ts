import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Harness } from '../../support/harness.ts';

describe('mesh construction (two and three nodes)', () => {
  it('a newcomer finds the rendezvous and inserts an edge to it', () => {
    const h = new Harness(2).joinAll().drive(6000);
    assert.deepEqual(h.node(1).neighbours.ids(), ['s0']);
    assert.deepEqual(h.node(0).neighbours.ids(), ['s1']);
    assert.equal(h.node(1).neighbours.get('s0')?.direction, 'out');
    assert.equal(h.node(0).neighbours.get('s1')?.direction, 'in');
    assert.ok(h.node(0).membership.has('s1') && h.node(1).membership.has('s0'));
    const up = h.events('neighbour-up');
    assert.deepEqual(
      up.map((l) => [l.scx, l.event.peer, l.event.direction]),
      [
        [0, 's1', 'in'],
        [1, 's0', 'out'],
      ],
    );
    // REQUEST_STATUS (10 ms) + STATUS (10 ms) + CONNECT (10 ms) + CONNECT_ACK (10 ms) after s1's join at 2 ms.
    assert.equal(up[1]?.at, 42);
  });

  it('three nodes: routes follow the cheapest path, upstream and downstream agree', () => {
    const lat = [
      [0, 10, 50],
      [10, 0, 10],
      [50, 10, 0],
    ];
    const h = new Harness(3, { latencyMs: (i, j) => lat[i]?.[j] ?? 0 }).joinAll([0]).drive(60000);
    assert.equal(h.edges().size, 3, 'k1 = 3: every node links to every other');
    const r2 = h.node(2).route('s0');
    assert.deepEqual(r2?.path, ['s2', 's1', 's0']);
    assert.equal(r2?.costMs, 20);
    assert.equal(h.node(2).upstream('s0'), 's1');
    assert.equal(h.node(1).upstream('s0'), 's0');
    assert.deepEqual(h.node(1).downstream('s0'), ['s2']);
    assert.deepEqual(h.node(0).downstream('s0'), ['s1']);
    assert.deepEqual(h.node(2).downstream('s0'), []);
    assert.equal(h.node(0).route('s0')?.costMs, 0);
    const changes = h.events('route-changed', 2).map((l) => l.event);
    assert.equal(changes.at(-1)?.upstream, 's1');
  });

  it('never exceeds the degree constraint <k1,k2>, at any moment', () => {
    const h = new Harness(14, { latencyMs: (i, j) => 5 + ((i * 7 + j * 7) % 23), config: { k1: 1, k2: 2 } }).joinAll([3]);
    let checks = 0;
    while (h.sim.now < 300000 && h.sim.step()) {
      for (let i = 0; i < h.size; i++) {
        assert.ok(h.node(i).neighbours.out <= 1, `s${i} has ${h.node(i).neighbours.out} out-edges at ${h.sim.now}`);
        assert.ok(h.node(i).neighbours.in <= 2, `s${i} has ${h.node(i).neighbours.in} in-edges at ${h.sim.now}`);
      }
      checks++;
    }
    assert.ok(checks > 1000);
    for (const e of h.edges()) {
      const [a, b] = e.split('|').map(Number) as [number, number];
      assert.ok(h.node(a).neighbours.has(h.id(b)) && h.node(b).neighbours.has(h.id(a)), `edge ${e} is one-sided`);
    }
  });

  it('rejects a configuration with k2 <= k1', () => {
    assert.throws(() => new Harness(2, { config: { k1: 3, k2: 3 } }), { code: 'ERR_CONFIG_INVALID' });
  });
});
