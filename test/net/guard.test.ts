import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Guard } from '../../src/net/guard.ts';

describe('the guard of driver callbacks', () => {
  it('counts and reports what a callback throws or rejects, and lets what returns pass', async () => {
    const reports: string[] = [];
    const guard = new Guard((where, err) => reports.push(`${where}: ${(err as Error).message}`));
    const boom = (why: string): never => {
      throw new Error(why);
    };
    let sum = 0;
    const add = guard.wrap('add', (a: number, b: number) => void (sum += a + b));
    add(1, 2);
    guard.wrap('read', (why: string) => boom(why))('thrown');
    guard.run('timer', () => boom('run'));
    guard.spawn('ask', async () => boom('rejected'));
    await new Promise((r) => setImmediate(r));
    assert.equal(sum, 3);
    assert.equal(guard.caught, 3);
    assert.deepEqual(reports, ['read: thrown', 'timer: run', 'ask: rejected']);
  });
});
