/** The daemon's logger: the JSON-lines shape on its stream, the level, and the repeat limit (clock and timers injected). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, RepeatLimiter, type RepeatLimitOptions, type Suppressed } from '../../src/daemon/log.ts';

/** A clock the test moves and the timers the limiter asked for, run when the test says. */
function fakeTime(): { options: Required<Pick<RepeatLimitOptions, 'now' | 'schedule'>>; advance(ms: number): void; pending(): number } {
  let now = 1000;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    options: { now: () => now, schedule: (fn, ms) => void timers.push({ at: now + ms, fn }) },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
    pending: () => timers.length,
  };
}

function captured(): { out: { write(s: string): void }; lines(): Array<Record<string, unknown>> } {
  let text = '';
  return {
    out: { write: (s: string) => void (text += s) },
    lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('the daemon logger', () => {
  it('writes one JSON object per line: t, level, msg, the base fields and the line fields; below the level nothing', () => {
    const c = captured();
    const log = createLogger('info', { node: '127.0.0.1:7401' }, c.out);
    log('debug', 'not shown');
    log('info', 'node listening', { address: '127.0.0.1:7401' });
    log('error', 'session failed', { session: 'scast://x/y', error: 'boom' });
    const lines = c.lines();
    assert.equal(lines.length, 2);
    const [first, second] = lines as [Record<string, unknown>, Record<string, unknown>];
    assert.deepEqual(Object.keys(first).sort(), ['address', 'level', 'msg', 'node', 't']);
    assert.equal(first.level, 'info');
    assert.equal(first.msg, 'node listening');
    assert.equal(first.node, '127.0.0.1:7401');
    assert.ok(!Number.isNaN(Date.parse(first.t as string)) && (first.t as string).endsWith('Z'), 'an ISO time');
    assert.deepEqual({ level: second.level, msg: second.msg, error: second.error }, { level: 'error', msg: 'session failed', error: 'boom' });
  });

  it('turns a flood of 20,000 identical warnings into max lines and one summary per window', () => {
    const c = captured();
    const time = fakeTime();
    const log = createLogger('info', {}, c.out, { max: 20, windowMs: 10_000, ...time.options });
    for (let i = 0; i < 20_000; i++) log('warn', 'refused a connection', { reason: 'bad hello', remote: `10.0.0.${i % 250}` });
    log('info', 'client attached', { client: 'a' }); // another message is not held back by the flood
    assert.equal(c.lines().length, 21);
    assert.equal(time.pending(), 1, 'one timer for the window, not one per suppressed line');
    time.advance(10_000);
    const lines = c.lines();
    assert.equal(lines.length, 22);
    assert.equal(lines.filter((l) => l.msg === 'refused a connection').length, 20);
    assert.deepEqual(
      { level: lines[21]?.level, msg: lines[21]?.msg, repeated: lines[21]?.repeated, suppressed: lines[21]?.suppressed, windowMs: lines[21]?.windowMs },
      { level: 'warn', msg: 'repeated log lines suppressed', repeated: 'refused a connection', suppressed: 19_980, windowMs: 10_000 },
    );
    log('warn', 'refused a connection', { reason: 'bad hello' });
    assert.equal(c.lines().length, 23, 'a new window writes again');
  });
});

describe('RepeatLimiter', () => {
  const run = (o: { max: number; windowMs: number }): { limiter: RepeatLimiter; reports: Suppressed[]; time: ReturnType<typeof fakeTime> } => {
    const time = fakeTime();
    const reports: Suppressed[] = [];
    return { limiter: new RepeatLimiter((s) => reports.push(s), { ...o, ...time.options }), reports, time };
  };

  it('admits max lines per message per window and counts the rest; other messages and levels have their own windows', () => {
    const { limiter, reports, time } = run({ max: 3, windowMs: 1000 });
    const admitted = Array.from({ length: 10 }, () => limiter.admit('warn', 'a'));
    assert.deepEqual(admitted, [true, true, true, false, false, false, false, false, false, false]);
    assert.equal(limiter.admit('warn', 'b'), true);
    assert.equal(limiter.admit('info', 'a'), true);
    time.advance(999);
    assert.equal(limiter.admit('warn', 'a'), false);
    assert.deepEqual(reports, []);
    time.advance(1);
    assert.deepEqual(reports, [{ level: 'warn', msg: 'a', suppressed: 8, windowMs: 1000 }]);
  });

  it('reports a window from its timer when the message stops, and a quiet window reports nothing', () => {
    const { limiter, reports, time } = run({ max: 1, windowMs: 1000 });
    limiter.admit('warn', 'a');
    limiter.admit('warn', 'a');
    limiter.admit('warn', 'a');
    time.advance(1000);
    assert.deepEqual(reports, [{ level: 'warn', msg: 'a', suppressed: 2, windowMs: 1000 }]);
    assert.equal(limiter.admit('warn', 'a'), true, 'the window after the report writes again');
    time.advance(5000);
    assert.equal(reports.length, 1, 'nothing suppressed in the new window, nothing reported');
  });

  it('closes a window from its next line when that comes before the timer, and the timer then reports nothing', () => {
    let now = 0;
    const timers: Array<() => void> = [];
    const reports: Suppressed[] = [];
    const limiter = new RepeatLimiter((s) => reports.push(s), { max: 2, windowMs: 100, now: () => now, schedule: (fn) => void timers.push(fn) });
    for (let i = 0; i < 5; i++) limiter.admit('info', 'x');
    now = 100;
    assert.equal(limiter.admit('info', 'x'), true);
    assert.deepEqual(reports, [{ level: 'info', msg: 'x', suppressed: 3, windowMs: 100 }]);
    for (const fn of timers) fn();
    assert.equal(reports.length, 1);
  });
});
