import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DialBudget, MAX_PROVEN } from '../../src/net/dial-budget.ts';

describe('DialBudget', () => {
  it('lets `perSecond` unproven contacts through a second, and counts the rest', () => {
    let now = 0;
    const b = new DialBudget(5, () => now);
    const allowed = Array.from({ length: 20 }, (_, i) => b.allow(`10.0.0.${i}:7400`)).filter(Boolean).length;
    assert.equal(allowed, 5);
    assert.equal(b.refused, 15);
    now = 1000;
    assert.equal(Array.from({ length: 20 }, (_, i) => b.allow(`10.0.1.${i}:7400`)).filter(Boolean).length, 5);
  });

  it('never limits a proven address', () => {
    const b = new DialBudget(1, () => 0);
    b.prove('10.0.0.1:7400');
    for (let i = 0; i < 100; i++) assert.ok(b.allow('10.0.0.1:7400'));
    assert.ok(b.allow('10.0.0.2:7400'));
    assert.ok(!b.allow('10.0.0.3:7400'));
  });

  it(`remembers at most ${MAX_PROVEN} proven addresses, the oldest forgotten first`, () => {
    const b = new DialBudget(1, () => 0);
    for (let i = 0; i <= MAX_PROVEN; i++) b.prove(`h${i}:1`);
    assert.ok(!b.isProven('h0:1'));
    assert.ok(b.isProven('h1:1') && b.isProven(`h${MAX_PROVEN}:1`));
  });
});
