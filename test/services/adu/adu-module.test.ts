/**
 * The adu module step by step, one SCX driven by hand (adu-scx.ts): repairs from the cache and their class, NACKs
 * passed upstream once, UNAVAILABLE, SUMMARY at a fresh SCX, interest aggregation and expiry, the classes of fresh
 * fragments, and local delivery (whole ADUs, fresh versions, `after`).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSlideRanges, encodeSummary, type SummaryEntry } from '../../../src/services/adu/wire/control.ts';
import { encodeClientInterest } from '../../../src/services/adu/wire/interest.ts';
import { LOCAL_LINK } from '../../../src/transport/service-module.ts';
import { aduScx, spec } from './adu-scx.ts';

const nack = (slide: number, first: number, count = 1, source = 'S'): Uint8Array => encodeSlideRanges({ source, presentation: 'talk', slide, ranges: [{ first, count }] });
const unavailable = (slide: number, first: number, count = 1): Uint8Array => encodeSlideRanges({ source: 'S', presentation: 'talk', slide, ranges: [{ first, count }] }, 0x55);
const interest = (...slides: number[]): Uint8Array => encodeClientInterest({ presentation: 'talk', slides });
const summary = (...entries: Array<[slide: number, highest: number]>): Uint8Array =>
  encodeSummary({ source: 'S', entries: entries.map(([slide, highest]): SummaryEntry => ({ presentation: 'talk', slide, highest })) });

describe('adu: repairs from the cache', () => {
  it('answers a NACK from a downstream link with the cached fragment, in the class of that link\'s interest', () => {
    const x = aduScx();
    x.m.onControl('D', interest(1)); // D's side looks at slide 1, E's at nothing
    for (const p of [...x.packets('S', spec(1, 10), 10, 1), ...x.packets('S', spec(1, 11), 10, 2)]) x.m.onData('P', p);
    x.takeSent();
    x.m.onControl('D', nack(1, 2));
    x.m.onControl('E', nack(1, 1, 2));
    assert.deepEqual(x.takeSent(), ['D:11.1#0@2/repair-high', 'E:10.1#0@1/repair-low', 'E:11.1#0@2/repair-low']);
    assert.equal(x.m.stats.retransmissions, 3);
    assert.equal(x.m.stats.retransmissionsHigh, 1);
    x.m.onControl('P', nack(1, 1)); // P is not below X on S's tree
    assert.deepEqual(x.takeSent(), []);
    assert.equal(x.m.stats.nackSeqsRefused, 1);
  });

  it('passes a NACK for what it lacks upstream once; the others join; the repair goes to every asker and the clients', () => {
    const x = aduScx();
    const [a, b, c] = [...x.packets('S', spec(1, 10), 10, 1), ...x.packets('S', spec(1, 11), 10, 2), ...x.packets('S', spec(1, 12), 10, 3)];
    x.m.onData('P', a!);
    x.m.onData('P', c!); // 2 is lost on P -> X: X's own request, NACKed after the low-interest delay
    x.m.onControl('D', nack(1, 2));
    x.m.onControl('E', nack(1, 2));
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), [], 'not yet: X waits its own delay');
    x.advance(100);
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), ['N talk/1 2']);
    x.m.onControl('D', nack(1, 2)); // D again, before the retry time: suppressed
    assert.equal(x.m.stats.nackSeqsSuppressed, 3);
    x.takeSent();
    x.takeDelivered();
    x.m.onData('P', b!);
    assert.deepEqual(x.takeSent(), ['D:11.1#0@2/repair-low', 'E:11.1#0@2/repair-low']);
    assert.deepEqual(x.takeDelivered(), ['11.1#0@2']);
    assert.equal(x.m.stateSize().requests, 0);
    assert.equal(x.m.stats.repairsForwarded, 2);
    x.m.onData('P', b!); // once more: a duplicate now
    assert.deepEqual(x.takeSent(), []);
    assert.deepEqual(x.takeDelivered(), []);
    x.m.onControl('D', nack(1, 2)); // D's retry crossed the repair: not sent again
    assert.deepEqual(x.takeSent(), []);
    assert.equal(x.m.stats.nackSeqsEliminated, 1);
  });

  it('does not send a link the same repair again within repairEliminateMs', () => {
    const x = aduScx({ repairEliminateMs: 100 });
    for (const p of x.packets('S', spec(1, 10), 10, 1)) x.m.onData('P', p);
    x.takeSent();
    x.m.onControl('D', nack(1, 1));
    x.m.onControl('D', nack(1, 1));
    x.m.onControl('E', nack(1, 1));
    assert.deepEqual(x.takeSent(), ['D:10.1#0@1/repair-low', 'E:10.1#0@1/repair-low']);
    assert.equal(x.m.stats.nackSeqsEliminated, 1);
    x.advance(99);
    x.m.onControl('D', nack(1, 1));
    assert.deepEqual(x.takeSent(), [], 'still within 100 ms');
    x.advance(100);
    x.m.onControl('D', nack(1, 1));
    assert.deepEqual(x.takeSent(), ['D:10.1#0@1/repair-low']);
  });

  it('takes a repair only from the source\'s upstream', () => {
    const x = aduScx();
    const [a, b, c] = [...x.packets('S', spec(1, 10), 10, 1), ...x.packets('S', spec(1, 11), 10, 2), ...x.packets('S', spec(1, 12), 10, 3)];
    x.m.onData('P', a!);
    x.m.onData('P', c!);
    x.advance(100);
    x.takeDelivered();
    x.m.onData('D', b!); // a downstream link answering X's request: not taken
    assert.deepEqual(x.takeDelivered(), []);
    assert.equal(x.m.stateSize().requests, 1);
    assert.equal(x.drops['not-upstream'], 1);
    x.m.onData('P', b!);
    assert.deepEqual(x.takeDelivered(), ['11.1#0@2']);
  });

  it('passes UNAVAILABLE down to the links that asked and gives up; a later NACK is asked upstream at once, once', () => {
    const x = aduScx();
    const [a, , c] = [...x.packets('S', spec(1, 10), 10, 1), ...x.packets('S', spec(1, 11), 10, 2), ...x.packets('S', spec(1, 12), 10, 3)];
    x.m.onData('P', a!);
    x.m.onData('P', c!);
    x.m.onControl('D', nack(1, 2));
    x.advance(100);
    x.controls.length = 0;
    x.m.onControl('E', unavailable(1, 2)); // only the upstream may say so
    assert.equal(x.m.stats.malformedControl, 1);
    x.m.onControl('P', unavailable(1, 2));
    assert.deepEqual(x.controlsTo('D'), ['U talk/1 2']);
    assert.deepEqual(x.controlsTo('E'), []);
    assert.equal(x.m.stats.unavailableReceived, 1);
    assert.equal(x.m.stateSize().requests, 0);
    x.advance(10_000);
    assert.deepEqual(x.controlsTo('P', true).filter((l) => l.startsWith('N')), [], 'no NACK after UNAVAILABLE');
    x.m.onControl('E', nack(1, 2));
    x.m.onControl('D', nack(1, 2));
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), ['N talk/1 2']);
  });

  it('as the source SCX, answers UNAVAILABLE for what it has not; repairs from its cache what it has', () => {
    const x = aduScx({}, { self: 'X', upstream: {}, downstream: { X: ['D', 'E'] } });
    for (const p of x.packets('X', spec(1, 10), 2500, 1)) x.m.onData(LOCAL_LINK, p);
    x.takeSent();
    x.m.onControl('D', nack(1, 2, 3, 'X'));
    assert.deepEqual(x.takeSent(), ['D:10.1#1@2/repair-low', 'D:10.1#2@3/repair-low']);
    assert.deepEqual(x.controlsTo('D'), ['U talk/1 4']);
  });
});

describe('adu: SUMMARY', () => {
  it('at a fresh SCX opens every announced fragment as a gap, relays it down, and NACKs the viewed slide first', () => {
    const x = aduScx();
    x.m.onClientControl('viewer', interest(2));
    x.m.onControl('D', summary([1, 3])); // not from S's upstream: refused
    assert.equal(x.m.stats.malformedControl, 1);
    assert.equal(x.m.stateSize().slides, 0);
    x.m.onControl('P', summary([1, 3], [2, 3], [3, 2]));
    assert.deepEqual(x.controlsTo('D'), ['S talk/1=3 talk/2=3 talk/3=2']);
    assert.deepEqual(x.controlsTo('E'), ['S talk/1=3 talk/2=3 talk/3=2']);
    assert.equal(x.m.stats.gapsDetected, 8);
    x.controls.length = 0;
    x.advance(10);
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), ['N talk/2 1,2,3']);
    x.advance(100);
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), ['N talk/2 1,2,3', 'N talk/1 1,2,3', 'N talk/3 1,2']);
  });

  it('NACKs each interest level within its own budget: a low-interest backlog does not hold up the viewed slide', () => {
    const x = aduScx({ nackBudgetLow: 2, nackBudgetHigh: 100 });
    x.m.onClientControl('viewer', interest(2));
    x.m.onControl('P', summary([1, 50], [2, 5]));
    x.advance(60);
    const nacks = (): string[] => x.controlsTo('P').filter((l) => l.startsWith('N'));
    assert.deepEqual(nacks(), ['N talk/2 1,2,3,4,5', 'N talk/1 1,2']);
    assert.ok(x.m.stats.nacksDeferred >= 48);
    x.advance(600); // 2 low tokens a second: one more by now
    const low = nacks().filter((l) => l.startsWith('N talk/1')).flatMap((l) => l.split(' ')[2]!.split(','));
    assert.equal(low.length, 3, `low-interest seqs NACKed: ${low.join(' ')}`);
  });

  it('gives a fragment up after maxNacks NACKs', () => {
    const x = aduScx({ maxNacks: 2, retryMs: 100, retryMaxMs: 100 });
    x.m.onControl('P', summary([1, 1]));
    x.advance(259);
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), ['N talk/1 1', 'N talk/1 1']);
    assert.equal(x.m.stats.giveUps, 0);
    x.advance(260);
    assert.equal(x.m.stats.giveUps, 1);
    assert.equal(x.m.stateSize().requests, 0);
  });

  it('a SUMMARY below what the SCX has opens nothing', () => {
    const x = aduScx();
    for (const p of x.packets('S', spec(1, 10), 10, 1)) x.m.onData('P', p);
    x.m.onControl('P', summary([1, 1]));
    assert.equal(x.m.stats.gapsDetected, 0);
    assert.equal(x.m.stateSize().requests, 0);
  });
});

describe('adu: interest', () => {
  it('aggregates clients and links per slide, and reports to each upstream all but that link\'s own', () => {
    const x = aduScx({}, { upstream: { S: 'P', T: 'D' }, downstream: { S: ['D', 'E'], T: ['P', 'E'] } });
    x.m.onData('P', x.packets('S', spec(1, 10), 10, 1)[0]!);
    x.m.onData('D', x.packets('T', spec(1, 10), 10, 1)[0]!);
    x.m.onClientControl('a', interest(1));
    x.m.onClientControl('b', interest(2));
    x.m.onControl('D', interest(3));
    x.m.onControl('E', interest(4));
    x.advance(0);
    x.controls.length = 0;
    x.advance(1000); // the periodic report: everything
    assert.deepEqual(x.controlsTo('P'), ['I talk 1,2,3,4']);
    assert.deepEqual(x.controlsTo('D'), ['I talk 1,2,4'], 'D\'s own slide 3 is not echoed back to it');
    assert.deepEqual(x.controlsTo('E'), [], 'E is upstream of nothing');
    x.controls.length = 0;
    x.m.onClientControl('b', interest(1)); // b moved to slide 1: slide 2 is low now
    x.m.onClientControl('b', interest(1, 5));
    x.m.onClientControl('b', interest(1));
    assert.deepEqual(x.controlsTo('P'), [], 'changes are reported together, 10 ms after the first');
    x.advance(1010);
    assert.deepEqual(x.controlsTo('P'), ['I talk 1,3,4']);
    x.m.onClientControl('a', interest(1)); // no change in the aggregate: nothing sent
    x.advance(1020);
    assert.deepEqual(x.controlsTo('P'), ['I talk 1,3,4']);
    x.m.onClientControl('a', new Uint8Array([0x49, 0]));
    assert.equal(x.m.stats.malformedInterest, 1);
  });

  it('lapses interestTtlMs after the last report, not at the next refresh', () => {
    const x = aduScx();
    x.m.onData('P', x.packets('S', spec(1, 10), 10, 1)[0]!);
    x.advance(100);
    x.m.onClientControl('a', interest(1));
    x.m.onControl('D', interest(2));
    x.advance(110);
    assert.deepEqual(x.controlsTo('P', true).at(-1), 'I talk 1,2');
    x.advance(3099);
    assert.deepEqual(x.controlsTo('P', true).at(-1), 'I talk 1,2', 'the periodic refresh, still both');
    x.takeSent();
    x.m.onData('P', x.packets('S', spec(2, 11), 10, 1)[0]!);
    assert.deepEqual(x.takeSent(), ['D:11.1#0@1/high', 'E:11.1#0@1/low']);
    x.advance(3100);
    assert.deepEqual(x.controlsTo('P', true), ['I talk '], 'both lapse at 3100');
    x.m.onData('P', x.packets('S', spec(2, 12), 10, 2)[0]!);
    assert.deepEqual(x.takeSent(), ['D:12.1#0@2/low', 'E:12.1#0@2/low']);
    assert.equal(x.m.stateSize().interestOwners, 0);
  });

  it('forgets a failed link\'s interest at once', () => {
    const x = aduScx();
    x.m.onData('P', x.packets('S', spec(1, 10), 10, 1)[0]!);
    x.m.onControl('D', interest(1));
    assert.equal(x.m.stateSize().interestOwners, 1);
    x.advance(10);
    assert.deepEqual(x.controlsTo('P', true), ['I talk 1']);
    x.advance(100);
    x.m.onLinkDown('D', 'failed');
    assert.equal(x.m.stateSize().interestOwners, 0);
    x.advance(110);
    assert.deepEqual(x.controlsTo('P'), ['I talk ']);
  });
});

describe('adu: fresh fragments in class high or low per link', () => {
  it('high on a link whose side looks at the slide, low on the others; slide 0 is high everywhere', () => {
    const x = aduScx();
    x.m.onControl('D', interest(1));
    x.m.onControl('E', interest(2));
    for (const p of [...x.packets('S', spec(1, 10), 10, 1), ...x.packets('S', spec(2, 11), 10, 1), ...x.packets('S', spec(3, 12), 10, 1), ...x.packets('S', spec(0, 1), 10, 1)]) x.m.onData('P', p);
    assert.deepEqual(x.takeSent(), [
      'D:10.1#0@1/high', 'E:10.1#0@1/low',
      'D:11.1#0@1/low', 'E:11.1#0@1/high',
      'D:12.1#0@1/low', 'E:12.1#0@1/low',
      'D:1.1#0@1/high', 'E:1.1#0@1/high',
    ]);
    assert.equal(x.m.stats.freshHigh, 4);
    assert.equal(x.m.stats.freshLow, 4);
  });
});

describe('adu: delivery to the local clients', () => {
  it('never delivers a version at or below one already delivered', () => {
    const x = aduScx();
    for (const p of [...x.packets('S', spec(1, 9, 2), 10, 1), ...x.packets('S', spec(1, 9, 1), 10, 2), ...x.packets('S', spec(1, 9, 2), 10, 3), ...x.packets('S', spec(1, 9, 3), 10, 4)]) x.m.onData('P', p);
    assert.deepEqual(x.takeDelivered(), ['9.2#0@1', '9.3#0@4']);
    assert.equal(x.m.stats.staleDropped, 2);
  });

  it('holds an ADU until its `after` object is delivered at that version', () => {
    const x = aduScx();
    const pointer = x.packets('S', spec(0, 1, 1, { kind: 7, after: { object: 20, version: 2 } }), 10, 1);
    const v1 = x.packets('S', spec(3, 20, 1), 10, 1);
    const v2 = x.packets('S', spec(3, 20, 2), 10, 2);
    for (const p of [...pointer, ...v1]) x.m.onData('P', p);
    assert.deepEqual(x.takeDelivered(), ['20.1#0@1'], 'version 1 is not enough');
    assert.equal(x.m.stateSize().afterHeld, 1);
    for (const p of v2) x.m.onData('P', p);
    assert.deepEqual(x.takeDelivered(), ['20.2#0@2', '1.1#0@1']);
    assert.equal(x.m.stats.afterReleasedLate, 0);
    assert.equal(x.m.stateSize().afterHeld, 0);
  });

  it('releases a held ADU after afterHoldMs, and the oldest at once past maxAfterHeld', () => {
    const x = aduScx({ afterHoldMs: 500, maxAfterHeld: 2 });
    x.m.onData('P', x.packets('S', spec(1, 30, 1, { after: { object: 99, version: 1 } }), 10, 1)[0]!);
    x.advance(200);
    x.m.onData('P', x.packets('S', spec(1, 31, 1, { after: { object: 99, version: 1 } }), 10, 2)[0]!);
    assert.deepEqual(x.takeDelivered(), []);
    x.m.onData('P', x.packets('S', spec(1, 32, 1, { after: { object: 99, version: 1 } }), 10, 3)[0]!);
    assert.deepEqual(x.takeDelivered(), ['30.1#0@1'], 'the hold is full: the oldest goes');
    x.advance(699);
    assert.deepEqual(x.takeDelivered(), []);
    x.advance(700);
    assert.deepEqual(x.takeDelivered(), ['31.1#0@2', '32.1#0@3']);
    assert.equal(x.m.stats.afterReleasedLate, 3);
    assert.equal(x.m.stateSize().afterHeld, 0);
  });

  it('delivers a multi-fragment ADU only once whole, its fragments consecutively and in order', () => {
    const x = aduScx();
    const [f0, f1, f2] = x.packets('S', spec(1, 40), 2500, 1);
    const other = x.packets('S', spec(1, 41), 10, 4);
    x.m.onData('P', f0!);
    x.m.onData('P', f2!);
    for (const p of other) x.m.onData('P', p);
    assert.deepEqual(x.takeDelivered(), ['41.1#0@4']);
    assert.ok(x.m.stateSize().partialBytes > 0);
    x.advance(100);
    assert.deepEqual(x.controlsTo('P').filter((l) => l.startsWith('N')), ['N talk/1 2']);
    x.m.onData('P', f1!);
    assert.deepEqual(x.takeDelivered(), ['40.1#0@1', '40.1#1@2', '40.1#2@3']);
    assert.equal(x.m.stateSize().partialBytes, 0);
  });

  it('delivers locally sourced ADUs to the local clients, sends them down, and SUMMARYs them soon after', () => {
    const x = aduScx({}, { self: 'X', upstream: {}, downstream: { X: ['D', 'E'] } });
    for (const p of x.packets('X', spec(2, 10), 10, 1)) x.m.onData(LOCAL_LINK, p);
    for (const p of x.packets('X', spec(2, 11, 1, { reliability: 'best-effort' }), 10, 0)) x.m.onData(LOCAL_LINK, p);
    assert.deepEqual(x.takeDelivered(), ['10.1#0@1', '11.1#0']);
    assert.deepEqual(x.takeSent(), ['D:10.1#0@1/low', 'E:10.1#0@1/low', 'D:11.1#0/low', 'E:11.1#0/low']);
    x.advance(100);
    assert.deepEqual(x.controlsTo('D'), ['S talk/2=1']);
    assert.deepEqual(x.controlsTo('E'), ['S talk/2=1']);
  });
});
