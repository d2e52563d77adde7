import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINK_COST_FLOOR_MS, LinkCostFilter } from '../../src/daemon/link-cost-filter.ts';

describe('LinkCostFilter', () => {
  it('reports half the least smoothed RTT of the window: a spike changes nothing, a fall shows at once', () => {
    const f = new LinkCostFilter(20_000);
    assert.equal(f.add('p', 4, 0), 2);
    assert.equal(f.add('p', 12, 2_000), 2, 'a busy peer answered late');
    assert.equal(f.add('p', 5, 4_000), 2);
    assert.equal(f.add('p', 3, 6_000), 1.5);
    assert.equal(f.add('q', 8, 6_000), 4, 'each peer on its own');
  });

  it('shows a lasting rise once it has lasted the window', () => {
    const f = new LinkCostFilter(10_000);
    f.add('p', 2, 0);
    for (let t = 2_000; t <= 8_000; t += 2_000) assert.equal(f.add('p', 6, t), 1, `at ${t} ms`);
    assert.equal(f.add('p', 6, 10_000), 3, 'the low sample is 10 s old: out of the window');
  });

  it('floors a LAN round trip that rounds to 0, and forgets a peer', () => {
    const f = new LinkCostFilter();
    assert.equal(f.add('p', 0, 0), LINK_COST_FLOOR_MS);
    f.forget('p');
    assert.equal(f.add('p', 9, 1), 4.5, 'a later incarnation is measured afresh');
  });

  it('keeps few samples however many arrive', () => {
    const f = new LinkCostFilter(20_000);
    for (let t = 0; t < 100_000; t += 10) f.add('p', 5 + Math.sin(t), t);
    const kept = (f as unknown as { minima: Map<string, unknown[]> }).minima.get('p')?.length ?? 0;
    assert.ok(kept <= 2_001, `${kept} samples kept`);
  });
});
