import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import { fixedTree, randomTree, runLayered, type LayeredResult } from '../../../scripts/bench-transport/layered.ts';
import { LAYER_CONTROL_TYPE, decodeLayerControl, encodeLayerControl } from '../../../src/services/layered/layer-control.ts';
import { layerPayload } from '../../../src/services/layered/layer.ts';
import { LayeredModule, layered, layeredFactory } from '../../../src/services/layered/layered.ts';
import { LinkLayers } from '../../../src/services/layered/link-layers.ts';
import { encodeDataPacket } from '../../../src/session/data-header.ts';
import { ChannelRuntime } from '../../../src/transport/channel-runtime.ts';
import { testSeed } from '../../support/seed.ts';

const SEED = 5;

/** Checks the goals on one run, saying each receiver's layers per second. */
function assertGoals(t: TestContext, r: LayeredResult): void {
  for (const x of r.receivers) {
    t.diagnostic(`SCX ${x.scx}: supports ${x.supported}, reached ${x.reachMs} ms, base lost ${x.baseLost}/${x.baseSent}, layers ${x.layersByWindow.join('')}`);
  }
  t.diagnostic(`layer changes per link per minute after 10 s: ${r.linkChangesPerMinute.toFixed(1)}`);
  for (const x of r.receivers) {
    assert.ok(x.reachMs !== undefined && x.reachMs <= 10_000, `SCX ${x.scx} reached its ${x.supported} layers at ${x.reachMs} ms`);
    assert.ok(x.baseSent > 500, `SCX ${x.scx}: only ${x.baseSent} base packets`);
    assert.equal(x.baseLost, 0, `SCX ${x.scx} lost base-layer packets`);
  }
  assert.ok(new Set(r.receivers.map((x) => x.supported)).size >= 2, 'the bottlenecks are mixed: receivers support different layers');
}

describe('the layered module in the simulator (4 layers of 40 packets/s)', () => {
  it('fixed tree, bottlenecks of 1.5 / 2.5 / 3.5 layers: every receiver at its layers within 10 s, no base loss', (t) => {
    const r = runLayered(fixedTree(), testSeed(t, SEED), 25_000);
    assertGoals(t, r);
    assert.deepEqual(
      r.receivers.map((x) => x.supported),
      [4, 1, 3, 2, 3],
    );
  });

  it('16-SCX mesh with random inbound capacities: the same goals', (t) => {
    const seed = testSeed(t, SEED);
    assertGoals(t, runLayered(randomTree(seed), seed, 25_000));
  });
});

describe('the layered module at one SCX', () => {
  const tree = { upstream: () => 'up', downstream: () => ['b'], neighbourIds: () => ['up', 'b'] };
  const pkt = (seq: number, layer: number) =>
    encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'client', sourceScx: 'src' }, layerPayload(layer, new Uint8Array(100)));

  it("checks each layer's sequence on its own: a base packet overtaken by a later enhancement packet is forwarded", () => {
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: layered, tree });
    rt.receive(0, 'up', pkt(0, 0));
    rt.receive(1, 'up', pkt(5, 1));
    rt.receive(2, 'up', pkt(4, 0));
    rt.receive(3, 'up', pkt(4, 0));
    const seqs = rt.dequeue('b').map((p) => p.header.seq);
    assert.deepEqual(seqs.sort(), [0, 4, 5]);
    assert.equal(rt.stats.drops.duplicate, 1, 'only the true duplicate');
  });

  it('refuses packets without a layer below maxLayers and malformed control messages, never throwing', (t) => {
    const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: layeredFactory({ maxLayers: 4 }), tree });
    const empty = encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq: 0, timestampMs: 0, source: 'c', sourceScx: 'src' }, new Uint8Array(0));
    rt.receive(0, 'up', empty);
    rt.receive(0, 'up', pkt(1, 4));
    assert.equal(rt.stats.drops.malformed, 2);
    assert.equal((rt.module as LayeredModule).stats.malformedLayers, 2);
    for (const b of [new Uint8Array(0), Uint8Array.of(LAYER_CONTROL_TYPE, 9, 1), Uint8Array.of(LAYER_CONTROL_TYPE, 0), new Uint8Array(2000)]) {
      assert.doesNotThrow(() => rt.receiveControl(0, 'b', b));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        rt.receiveControl(0, 'b', b);
        const d = decodeLayerControl(b, 4);
        if (d.ok) assert.deepEqual(encodeLayerControl(d.value.layer, d.value.data), b);
      }),
      { seed: testSeed(t, SEED) },
    );
    assert.throws(() => layeredFactory({ maxLayers: 17 }), RangeError);
    assert.throws(() => layerPayload(16, new Uint8Array(1)), RangeError);
  });

  it('a link sheds to what its rate carries, not again while its queue drains, and probes back with backoff', () => {
    const s = { probeMs: 2000, maxProbeMs: 8000, probeWindowMs: 2000, shedGapMs: 500, headroom: 0.9 };
    const l = new LinkLayers(s, 8, 0);
    // 4 layers offered at 1,000 bytes/s each for 0.5 s.
    const offer = (): void => {
      for (let k = 0; k < 4; k++) l.offer(k, 500);
    };
    offer();
    assert.equal(l.look(500, true, true, 10_000, 2500), -6, '2,500 bytes/s carries two layers (0.9 x 2,500 >= 2,000)');
    assert.equal(l.layers, 2);
    offer();
    assert.equal(l.look(1000, true, true, 8000, 2500), 0, 'still congested but the queue shrinks: no second shed');
    offer();
    assert.equal(l.look(1500, true, true, 10_500, 2500), -1, 'the queue grows again (a quarter over its low): shed');
    offer();
    assert.equal(l.look(3400, false, false, 0, 2500), 0, 'quiet for less than probeMs');
    offer();
    assert.equal(l.look(3500, false, false, 0, 2500), 1, 'quiet for probeMs: one layer back');
    offer();
    assert.equal(l.look(4500, true, true, 9000, 2500), -1, 'the probe met congestion: failed');
    offer();
    assert.equal(l.look(8000, false, false, 0, 2500), 0, 'the next probe waits twice as long');
    offer();
    assert.equal(l.look(8500, false, false, 0, 2500), 1);
    offer();
    assert.equal(l.look(10_500, false, false, 0, 2500), 0, 'the probe held for probeWindowMs: the wait is reset');
    assert.equal(l.layers, 2);
    assert.equal(l.changes, 5);
  });
});
