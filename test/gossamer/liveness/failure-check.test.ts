/**
 * Failure reports checked before they are believed (`verifyFailureReports`, after Lifeguard): a LEAVE issued by
 * another SCX on X's behalf makes each receiver ping X itself, and X is marked failed only if it stays silent for
 * `failureCheckMs`. Off (the profiles, the simulator), a report is believed at once, as the paper has it.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { MessageType } from '../../../src/gossamer/wire/messages.ts';
import { Harness } from '../../support/harness.ts';

/** Latencies of a small irregular underlay, ms. */
const spread = (i: number, j: number): number => (i === j ? 0 : 5 + ((i * 13 + j * 13 + i * j) % 41));

const CHECKED = { verifyFailureReports: true };

/** SCXs in the meshes here: enough that the victim has non-neighbours (who cannot hear it themselves). */
const SIZE = 20;

/** The SCXs that are neither `victim` nor `liar` nor a neighbour of the victim. */
function farFrom(h: Harness, victim: number, liar: number): number[] {
  return Array.from({ length: h.size }, (_, i) => i).filter((i) => i !== victim && i !== liar && !h.node(i).neighbours.has(h.id(victim)));
}

/** At `at`, member `liar` tells every SCX but itself and `victim` that `victim` failed (a report it signed, say). */
function forgeReport(h: Harness, at: number, liar: number, victim: number): void {
  const report = encodeMessage({ type: MessageType.LEAVE, scx: h.id(victim), timestampMs: at, origin: h.id(liar) });
  h.sim.at(at, () => {
    for (let i = 0; i < h.size; i++) if (i !== liar && i !== victim) h.node(i).handleMessage(at, h.id(liar), report);
  });
}

const sum = (h: Harness, f: (i: number) => number): number => Array.from({ length: h.size }, (_, i) => f(i)).reduce((a, b) => a + b, 0);

describe('liveness: failure reports checked by a direct ping', () => {
  it('a forged report about a live source is refuted: nobody marks it dead or loses its route', () => {
    const h = new Harness(SIZE, { latencyMs: spread, config: CHECKED }).joinAll([0]).drive(60_000);
    for (let i = 1; i < h.size; i++) assert.ok(h.node(i).route('s0'), `s${i} has no route to s0 before the attack`);
    assert.ok(farFrom(h, 0, 5).length > 0, 'every SCX is a neighbour of s0: none would check');
    forgeReport(h, 60_000, 5, 0);
    h.drive(70_000);
    assert.deepEqual(h.events('scx-dead').filter((l) => l.event.scx === 's0'), [], 's0 was marked dead');
    for (let i = 1; i < h.size; i++) assert.ok(h.node(i).route('s0'), `s${i} lost its route to s0`);
    const refuted = sum(h, (i) => h.node(i).stats.failureChecks.refuted);
    assert.ok(refuted >= 1, 'no report was checked');
    assert.equal(sum(h, (i) => h.node(i).stats.failureChecks.confirmed), 0);
  });

  it('the same report is believed at once when reports are not checked (the paper, the profiles)', () => {
    const h = new Harness(SIZE, { latencyMs: spread }).joinAll([0]).drive(60_000);
    forgeReport(h, 60_000, 5, 0);
    h.drive(61_000);
    const dead = h.events('scx-dead').filter((l) => l.event.scx === 's0');
    assert.ok(dead.length > 0, 'the unchecked report marked nobody dead');
    assert.equal(sum(h, (i) => h.node(i).stats.failureChecks.refuted), 0);
  });

  it('a real crash is still believed everywhere, within failureCheckMs of the report', () => {
    const h = new Harness(SIZE, { latencyMs: spread, config: CHECKED }).joinAll([0]).drive(90_000);
    const neighbours = h.node(5).neighbours.ids();
    assert.ok(neighbours.length > 0);
    h.sim.crash(5, 90_000);
    h.drive(110_000);
    const c = h.node(0).config;
    const detected = c.neighbourTimeoutMs + c.suspicionMs + c.keepaliveIntervalMs + 100;
    const believed = detected + c.failureCheckMs + c.keepaliveIntervalMs + 200;
    for (let i = 0; i < h.size; i++) {
      if (i === 5) continue;
      const dead = h.events('scx-dead', i).find((l) => l.event.scx === 's5');
      assert.equal(dead?.event.reason, 'failed', `s${i} never believed s5 failed`);
      assert.ok((dead?.at as number) - 90_000 <= believed, `s${i} believed it after ${(dead?.at as number) - 90_000} ms`);
    }
    assert.ok(sum(h, (i) => h.node(i).stats.failureChecks.confirmed) >= 1, 'no report was confirmed by a check');
  });

  it('a check under way ends at once when the reported SCX\'s host refuses a dial', () => {
    const h = new Harness(SIZE, { latencyMs: spread, config: CHECKED }).joinAll([0]).drive(60_000);
    const far = farFrom(h, 3, 5)[0];
    assert.ok(far !== undefined, 'every SCX is a neighbour of s3');
    h.sim.crash(3, 60_000);
    forgeReport(h, 60_000, 5, 3);
    const refusedAt = 60_100;
    let deadAtRefusal = false;
    h.sim.at(refusedAt, () => {
      assert.equal(h.node(far).membership.isDead('s3'), false, `s${far} believed the report before its check`);
      h.node(far).refused(refusedAt, 's3');
      deadAtRefusal = h.node(far).membership.isDead('s3');
    });
    h.drive(60_500);
    assert.ok(deadAtRefusal, `s${far} did not believe the report when the dial was refused`);
    assert.equal(h.node(far).stats.failureChecks.confirmed, 1);
    assert.equal(h.node(far).stats.refusedFailures, 1);
  });

  it('a report about an SCX this one does not know is dropped, not checked', () => {
    const h = new Harness(4, { latencyMs: spread, config: CHECKED }).joinAll([0]).drive(30_000);
    const report = encodeMessage({ type: MessageType.LEAVE, scx: 'nobody', timestampMs: 1, origin: 's2' });
    h.node(1).handleMessage(30_000, 's2', report);
    assert.equal(h.node(1).membership.isDead('nobody'), false);
    assert.deepEqual(h.node(1).stats.failureChecks, { refuted: 0, confirmed: 0, overflow: 0 });
  });
});
