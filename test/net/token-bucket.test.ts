import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../../src/net/token-bucket.ts';

describe('token bucket', () => {
  it('gives its burst at once, then its rate, never more than the burst after idling', () => {
    let now = 0;
    const b = new TokenBucket(1000, 2000, () => now);
    assert.ok(b.take(1500));
    assert.ok(b.take(500));
    assert.equal(b.take(1), false);
    now = 250;
    assert.equal(b.take(251), false, 'more than 250 ms of rate');
    assert.ok(b.take(250));
    now = 60_000;
    assert.ok(b.take(2000));
    assert.equal(b.take(1), false, 'idling saved more than the burst');
  });

  it('takes nothing when it refuses', () => {
    let now = 0;
    const b = new TokenBucket(100, 100, () => now);
    assert.equal(b.take(101), false);
    assert.ok(b.take(100));
    now = 500;
    assert.equal(b.take(60), false);
    assert.ok(b.take(50));
  });
});
