/**
 * Hostile input to the adu module from a neighbour SCX and from a client: garbled controls and fragments, NACK
 * storms naming huge ranges, SUMMARYs claiming 2^32 seqs or thousands of slides, interest in 10k slides, fragments
 * claiming huge ADUs, floods of distinct objects and presentations. The module never throws, counts what it
 * refuses, and keeps its state within its bounds (`stateSize()`). One SCX 'X' driven in-process (sans-IO): below
 * 'P' for source 'S', above 'D' and 'E'.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeSlideRanges, encodeSummary, MAX_SUMMARY_ENTRIES } from '../../src/services/adu/wire/control.ts';
import { encodeClientInterest, MAX_INTEREST_SLIDES } from '../../src/services/adu/wire/interest.ts';
import { MAX_FRAGMENT_BODY, MAX_FRAGMENTS, encodeAduFragment } from '../../src/services/adu/wire/adu.ts';
import { MAX_NACK_SEQS } from '../../src/services/reliable/nack.ts';
import { encodeDataPacket } from '../../src/session/data-header.ts';
import { aduScx, spec } from '../services/adu/adu-scx.ts';
import { fcSeed, garbled, unhex } from '../support/wire.ts';

const SEED = fcSeed('adu-hostile.test', 0xbad);

const nackAll = (slide: number, first: number): Uint8Array => encodeSlideRanges({ source: 'S', presentation: 'talk', slide, ranges: [{ first, count: MAX_NACK_SEQS }] });

/** The bounds every test checks against (small, so that a test reaches them). */
const BOUNDS = { cacheBytes: 2 << 20, assemblyBytes: 1 << 20, maxSlides: 64, maxOpenRequests: 5000, maxInterestOwners: 100, maxInterestSlides: 2000, maxObjects: 500, maxAfterHeld: 50 };

/** Asserts that `x`'s state is within BOUNDS. */
function withinBounds(x: ReturnType<typeof aduScx>): void {
  const s = x.m.stateSize();
  assert.ok(s.cacheBytes <= BOUNDS.cacheBytes, `cache ${s.cacheBytes} bytes`);
  assert.ok(s.partialBytes <= BOUNDS.assemblyBytes, `partial ${s.partialBytes} bytes`);
  assert.ok(s.slides <= BOUNDS.maxSlides, `${s.slides} slides`);
  assert.ok(s.requests <= BOUNDS.maxOpenRequests, `${s.requests} requests`);
  assert.ok(s.interestOwners <= BOUNDS.maxInterestOwners, `${s.interestOwners} interest owners`);
  assert.ok(s.interestSlides <= BOUNDS.maxInterestSlides, `${s.interestSlides} interest slides`);
  assert.ok(s.objects <= BOUNDS.maxObjects, `${s.objects} objects`);
  assert.ok(s.afterHeld <= BOUNDS.maxAfterHeld, `${s.afterHeld} held`);
}

describe('adu: hostile neighbours and clients', () => {
  it(`never throws on garbled controls, client controls and fragments from any link (fast-check seed ${SEED})`, () => {
    const x = aduScx(BOUNDS);
    for (const p of x.packets('S', spec(1, 10), 3000, 1)) x.m.onData('P', p);
    const fixtures = [
      nackAll(1, 1),
      encodeSlideRanges({ source: 'S', presentation: 'talk', slide: 1, ranges: [{ first: 2, count: 1 }] }, 0x55),
      encodeSummary({ source: 'S', entries: [{ presentation: 'talk', slide: 1, highest: 9 }] }),
      encodeClientInterest({ presentation: 'talk', slides: [1, 2] }),
      unhex('01 01 53'), // a RELEASE for the forward module inside
      x.packets('S', spec(2, 11), 10, 1)[0]!.bytes,
    ];
    let now = 0;
    fc.assert(
      fc.property(garbled(fc.constantFrom(...fixtures)), fc.constantFrom('P', 'D', 'E', 'Z'), fc.nat(3), (bytes, link, how) => {
        x.clock.now = now += 1;
        if (how === 0) x.m.onControl(link, bytes);
        else if (how === 1) x.m.onClientControl(`client-${link}`, bytes);
        else if (how === 2) x.m.onData(link, encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq: now, timestampMs: 0, source: 'c', sourceScx: 'S' }, bytes));
        else x.advance(now + 5);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    const c = x.m.counters();
    assert.ok(c.malformedControl! > 100 && c.malformedInterest! > 100 && c.malformedFragments! > 100, JSON.stringify(c));
    withinBounds(x);
  });

  it('answers a NACK storm naming huge ranges within the rate limits: messages and seqs per link, one repair per fragment and window', () => {
    const x = aduScx({ ...BOUNDS, maxControlPerSecond: 200 });
    for (const p of x.packets('S', spec(1, 10), 300 * MAX_FRAGMENT_BODY, 1)) x.m.onData('P', p); // 300 fragments
    x.takeSent();
    for (let i = 0; i < 5000; i++) x.m.onControl('D', nackAll(1, 1 + (i % 3) * 1000)); // 4096 seqs each, most unknown
    const repairs = x.takeSent();
    assert.equal(repairs.length, 300, 'each cached fragment once');
    assert.equal(x.m.stats.controlRateLimited, 4800);
    assert.equal(x.m.stats.nackSeqsReceived, 200 * MAX_NACK_SEQS);
    assert.equal(x.m.stats.nackSeqsReceived - x.m.stats.nackSeqsRateLimited, 16384, 'the seqs looked at: one second\'s maxNackSeqsPerSecond');
    assert.equal(x.m.stateSize().requests, 0, 'seqs beyond what the slide has are not requests');
    x.advance(1000);
    for (let i = 0; i < 5000; i++) x.m.onControl('D', nackAll(1, 1));
    assert.equal(x.takeSent().length, 300, 'the next second: again once each');
    assert.equal(x.m.stats.controlRateLimited, 9600);
    for (let i = 0; i < 1000; i++) x.m.onControl('P', nackAll(1, 1)); // P is not downstream of S here
    assert.equal(x.takeSent().length, 0);
    withinBounds(x);
  });

  it('a SUMMARY claiming 2^32 seqs on thousands of slides, and NACKs for them: slides and requests stay bounded', () => {
    const x = aduScx(BOUNDS);
    const entries = Array.from({ length: MAX_SUMMARY_ENTRIES }, (_, i) => ({ presentation: `p${i % 7}`, slide: i, highest: 0xffffffff }));
    for (let k = 0; k < 8; k++) x.m.onControl('P', encodeSummary({ source: 'S', entries: entries.map((e) => ({ ...e, slide: e.slide + k * MAX_SUMMARY_ENTRIES })) }));
    assert.equal(x.m.stateSize().slides, BOUNDS.maxSlides);
    assert.ok(x.m.stats.slidesRefused >= 8 * MAX_SUMMARY_ENTRIES - BOUNDS.maxSlides);
    assert.equal(x.m.stateSize().requests, BOUNDS.maxOpenRequests);
    assert.ok(x.m.stats.gapsTooLarge > 0 && x.m.stats.requestsRefused > 0);
    for (let i = 0; i < 500; i++) x.m.onControl('D', encodeSlideRanges({ source: 'S', presentation: 'p0', slide: 7 * (i % 9), ranges: [{ first: 1 + 4096 * i, count: MAX_NACK_SEQS }] }));
    assert.ok(x.m.stats.nackSeqsRefused > 0);
    withinBounds(x);
    x.advance(1000);
    const budget = 4000 + 500; // nackBudgetHigh + nackBudgetLow, the burst of one second
    assert.ok(x.m.stats.nackSeqsSent <= 2 * budget, `${x.m.stats.nackSeqsSent} seqs NACKed in the first second`);
    withinBounds(x);
  });

  it('interest in 10k slides from links and clients: refused past the bounds, counted', () => {
    const x = aduScx(BOUNDS);
    const slides = (k: number): number[] => Array.from({ length: MAX_INTEREST_SLIDES }, (_, i) => k * MAX_INTEREST_SLIDES + i);
    for (let k = 0; k < 40; k++) x.m.onControl('D', encodeClientInterest({ presentation: `p${k}`, slides: slides(k) }));
    for (let k = 0; k < 1000; k++) x.m.onClientControl(`c${k}`, encodeClientInterest({ presentation: `q${k % 50}`, slides: slides(k % 40) }));
    assert.ok(x.m.stats.interestOwnersRefused > 900, `${x.m.stats.interestOwnersRefused} refused`);
    withinBounds(x);
    x.advance(5000); // every report lapses
    assert.equal(x.m.stateSize().interestOwners, 0);
    assert.equal(x.m.stateSize().interestSlides, 0);
  });

  it('fragments claiming huge ADUs and floods of distinct objects and presentations stay within bounds', () => {
    const x = aduScx(BOUNDS);
    let seq = 1;
    for (let i = 0; i < 3000; i++) {
      const h = { ...spec(1 + (i % 3), 1000 + i, 1, { presentation: `p${i % 100}` }), slideSeq: seq++, fragment: 0, fragments: MAX_FRAGMENTS };
      x.m.onData('P', encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq: i, timestampMs: 0, source: 'c', sourceScx: 'S' }, encodeAduFragment(h, new Uint8Array(MAX_FRAGMENT_BODY))));
    }
    withinBounds(x);
    assert.ok(x.m.stateSize().partialBytes > BOUNDS.assemblyBytes / 2, 'the partials were held up to the bound');
    for (const p of x.packets('S', spec(2, 1, 1, { reliability: 'best-effort', after: { object: 7, version: 1 } }), 10, 0)) x.m.onData('P', p);
    for (let i = 0; i < 5000; i++) for (const p of x.packets('S', spec(1, 5000 + i, 1, { reliability: 'best-effort', presentation: `flood${i}` }), 10, 0)) x.m.onData('P', p);
    for (let i = 0; i < 200; i++) for (const p of x.packets('S', spec(1, 9000 + i, 1, { reliability: 'best-effort', after: { object: 1 + i, version: 9 } }), 10, 0)) x.m.onData('P', p);
    assert.ok(x.m.stats.slidesRefused > 0);
    assert.ok(x.m.stats.afterReleasedLate >= 150);
    withinBounds(x);
  });
});
