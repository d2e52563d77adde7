/**
 * The probe module's contacts to strangers: a ping to a peer that never echoed spends the dial budget; only an
 * echo carrying the nonce of our last ping to that peer is a sample and proves it (a forged echo proves nothing);
 * the RTT cache holds at most MAX_PROBE_PEERS peers, the rest counted.
 */

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { DialBudget } from '../../src/net/dial-budget.ts';
import { Guard } from '../../src/net/guard.ts';
import { MAX_PROBE_PEERS, Probe } from '../../src/net/probe.ts';
import { UdpType, type UdpEndpoint } from '../../src/net/udp-endpoint.ts';

/** Pings per second to unproven peers in these tests. */
const PER_SECOND = 10;
const INTERVAL_MS = 1000;

interface Sent {
  readonly peer: string;
  readonly nonce: number;
  readonly sentMs: number;
}

/** A probe over a fake UDP socket, its budget on a clock the test moves, and what it sent. */
function probe(t: TestContext) {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const clock = { ms: 0 };
  const budget = new DialBudget(PER_SECOND, () => clock.ms);
  const sent: Sent[] = [];
  const udp = { sendProbe: (peer: string, type: number, nonce: number, sentMs: number) => void (type === UdpType.PING && sent.push({ peer, nonce, sentMs })) };
  const rtts = new Map<string, number>();
  const p = new Probe(udp as unknown as UdpEndpoint, (peer, ms) => rtts.set(peer, ms), () => true, new Guard(() => undefined), budget, { intervalMs: INTERVAL_MS });
  p.start();
  t.after(() => p.stop());
  /** One probe round, a second later on the budget's clock. */
  const round = (): void => {
    clock.ms += INTERVAL_MS;
    t.mock.timers.tick(INTERVAL_MS);
  };
  return { p, budget, sent, rtts, round };
}

const peers = (n: number): string[] => Array.from({ length: n }, (_, i) => `10.9.${i >> 8}.${i & 255}:7400`);

describe('probe budget', () => {
  it('pings unproven peers only as the budget allows, and counts the rest', (t) => {
    const { p, budget, sent, round } = probe(t);
    for (const peer of peers(50)) p.want(peer);
    assert.equal(sent.length, PER_SECOND);
    assert.equal(budget.refused, 50 - PER_SECOND);
    round();
    assert.equal(sent.length, 2 * PER_SECOND);
    assert.equal(budget.refused, 50 - PER_SECOND + 50 - PER_SECOND);
  });

  it('takes an echo with our nonce as a sample that proves the peer; a forged echo is no sample and proves nothing', (t) => {
    const { p, budget, sent, rtts, round } = probe(t);
    const [a, b] = peers(2) as [string, string];
    p.want(a);
    p.want(b);
    const [pingA, pingB] = sent as [Sent, Sent];
    p.onProbe(b, UdpType.ECHO, (pingB.nonce + 1) >>> 0, pingB.sentMs);
    assert.equal(budget.isProven(b), false);
    assert.equal(rtts.has(b), false);
    p.onProbe(a, UdpType.ECHO, pingA.nonce, pingA.sentMs);
    assert.equal(budget.isProven(a), true);
    assert.ok(rtts.has(a));
    // Spend the budget on strangers: the proven peer is pinged all the same, the other is not.
    for (const peer of peers(3 * PER_SECOND).slice(2)) p.want(peer);
    const before = sent.length;
    round();
    const pinged = sent.slice(before).map((s) => s.peer);
    assert.ok(pinged.includes(a), 'the proven peer went unpinged');
    assert.equal(pinged.filter((peer) => peer !== a).length, PER_SECOND);
  });

  it(`holds at most MAX_PROBE_PEERS (${MAX_PROBE_PEERS}) peers and counts the rest`, (t) => {
    const { p } = probe(t);
    for (const peer of peers(MAX_PROBE_PEERS + 5)) p.want(peer);
    assert.equal(p.cache.size, MAX_PROBE_PEERS);
    assert.equal(p.peersRefused, 5);
  });
});
