// The paper profile's departures from the text, each a GossamerConfig switch whose default keeps our reading.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_GOSSAMER_CONFIG, gossamerConfig } from '../../src/gossamer/config.ts';
import { costFunction, type CandidateView } from '../../src/gossamer/mesh/optimizer.ts';
import { GossamerNode } from '../../src/gossamer/node.ts';
import { PROFILES } from '../../src/gossamer/profiles.ts';
import { decodeMessage, encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { MessageType, type Message } from '../../src/gossamer/wire/messages.ts';
import { Harness } from '../support/harness.ts';

/** The message in `data`, whatever the decoder's result is called. */
function decode(data: Uint8Array): Message | undefined {
  const d = decodeMessage(data) as unknown as { ok: boolean; value?: Message; message?: Message };
  return d.ok ? (d.value ?? d.message) : undefined;
}

describe("the paper profile's readings of the text, switchable", () => {
  it('default to our readings, and the paper profile spells them out', () => {
    const c = gossamerConfig();
    assert.equal(c.discoveryAnswerSkipsTold, true);
    assert.equal(c.triggeredRouteUpdates, true);
    assert.equal(c.loopingRouteScoresWorst, true);
    for (const key of ['discoveryAnswerSkipsTold', 'triggeredRouteUpdates', 'loopingRouteScoresWorst'] as const) {
      assert.equal(PROFILES.paper[key], DEFAULT_GOSSAMER_CONFIG[key], key);
    }
  });

  it('discoveryAnswerSkipsTold: false answers a DISCOVERY with a plain random gamma(X)', () => {
    const answer = (skip: boolean): string[] => {
      const node = new GossamerNode({ id: 'x', rendezvous: ['r'], seed: 1, config: { discoveryAnswerSkipsTold: skip, discoveryDigestMaxBytes: 0 } });
      node.start(0);
      while (node.pollTransmit()) {
        // the first round's own DISCOVERY and probe
      }
      node.handleMessage(10, 'a', encodeMessage({ type: MessageType.DISCOVERY, known: ['b', 'c'], digest: new Uint8Array(0) }));
      for (let t = node.pollTransmit(); t; t = node.pollTransmit()) {
        const msg = decode(t.data);
        if (t.to === 'a' && msg?.type === MessageType.DISCOVERY_RESPONSE) return [...msg.known].sort();
      }
      return assert.fail('no DISCOVERY_RESPONSE');
    };
    assert.deepEqual(answer(true), ['r'], 'leaves out the asker and what it sent');
    assert.deepEqual(answer(false), ['a', 'b', 'c', 'r'], 'a random subset of everything known');
  });

  it('loopingRouteScoresWorst: false costs a route through this SCX as advertised', () => {
    const route = (path: string[], costMs: number) => new Map([['src', { source: 'src', costMs, path }]]);
    const lambda: CandidateView[] = [
      { id: 'a', linkCostMs: 10, routes: route(['a', 'src'], 100) },
      { id: 'b', linkCostMs: 10, routes: route(['b', 'self', 'src'], 50) },
      { id: 'c', linkCostMs: 10, routes: route(['c', 'd', 'src'], 60) },
    ];
    const worst = costFunction('self', ['src'], lambda);
    assert.equal(worst.get('b'), 1);
    assert.equal(worst.get('a'), 1, 'a has the costliest loop-free route');
    const literal = costFunction('self', ['src'], lambda, false);
    assert.equal(literal.get('a'), 1);
    assert.equal(literal.get('b'), 60 / 110);
    assert.equal(literal.get('c'), 70 / 110);
  });

  it('triggeredRouteUpdates: false sends routes only periodically and on new edges, and still converges', () => {
    const run = (triggered: boolean): { partial: number; routed: number } => {
      const h = new Harness(6, { latencyMs: (i, j) => 5 + ((i * 7 + j * 11) % 17), config: { triggeredRouteUpdates: triggered } }).joinAll([0]);
      let partial = 0;
      for (let i = 0; i < h.size; i++) {
        const node = h.node(i);
        const poll = node.pollTransmit.bind(node);
        node.pollTransmit = () => {
          const t = poll();
          const msg = t && decode(t.data);
          if (msg?.type === MessageType.ROUTE_UPDATE && !msg.full) partial++;
          return t;
        };
      }
      h.drive(120000);
      let routed = 0;
      for (let i = 1; i < h.size; i++) if (h.node(i).route('s0')) routed++;
      return { partial, routed };
    };
    const on = run(true);
    const off = run(false);
    assert.ok(on.partial > 0, 'triggered updates by default');
    assert.equal(off.partial, 0, 'no triggered update without a LEAVE or failure');
    assert.equal(on.routed, 5);
    assert.equal(off.routed, 5);
  });
});
