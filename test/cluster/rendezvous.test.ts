import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rendezvousOrder } from '../../src/cluster/rendezvous.ts';
import { sessionIdHex } from '../../src/session/name.ts';

const MEMBERS = ['10.0.0.1:7400', '10.0.0.2:7400', '10.0.0.3:7400'];
const ids = Array.from({ length: 600 }, (_, i) => sessionIdHex(`scast://test.scattercast/s${i}`));

describe('rendezvous hashing', () => {
  it('orders every member once, the same way whatever order the members are listed in', () => {
    for (const id of ids.slice(0, 50)) {
      const a = rendezvousOrder(id, MEMBERS);
      assert.deepEqual([...a].sort(), [...MEMBERS].sort());
      assert.deepEqual(rendezvousOrder(id, [...MEMBERS].reverse()), a);
    }
  });

  it('spreads sessions evenly: each of 3 members gets 600/3 within 25%', () => {
    const count = new Map<string, number>();
    for (const id of ids) {
      const first = rendezvousOrder(id, MEMBERS)[0] as string;
      count.set(first, (count.get(first) ?? 0) + 1);
    }
    for (const m of MEMBERS) assert.ok(Math.abs((count.get(m) ?? 0) - 200) <= 50, `${m} got ${count.get(m)}`);
  });

  it('when a member leaves, only its sessions move, each to its next choice', () => {
    const gone = MEMBERS[1] as string;
    const rest = MEMBERS.filter((m) => m !== gone);
    let moved = 0;
    for (const id of ids) {
      const before = rendezvousOrder(id, MEMBERS);
      const after = rendezvousOrder(id, rest)[0];
      if (before[0] === gone) {
        moved++;
        assert.equal(after, before[1]);
      } else assert.equal(after, before[0]);
    }
    assert.ok(moved > 0);
  });
});
