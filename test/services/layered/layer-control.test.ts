import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../../src/core/decoded.ts';
import { decodeLayerControl, encodeLayerControl, MAX_INNER_BYTES, type LayerControl } from '../../../src/services/layered/layer-control.ts';
import { layerPayload, MAX_LAYERS } from '../../../src/services/layered/layer.ts';
import { layered, type LayeredModule } from '../../../src/services/layered/layered.ts';
import { encodeDataPacket } from '../../../src/session/data-header.ts';
import { ChannelRuntime } from '../../../src/transport/channel-runtime.ts';
import { assertRefused, decodedValue, describeWireFormat, fcSeed, unhex } from '../../support/wire.ts';

const SEED = fcSeed('layer-control.test', 0x5c48);

/** Decodes as an SCX with every layer there is (MAX_LAYERS, 16). */
const decode = (b: Uint8Array) => decodeLayerControl(b, MAX_LAYERS);
const encode = (c: LayerControl): Uint8Array => encodeLayerControl(c.layer, c.data);

const GOLDEN: [LayerControl, string][] = [
  [{ layer: 0, data: unhex('01 737263') }, '30 00 01737263'],
  [{ layer: 15, data: unhex('01 41') }, '30 0f 0141'],
  [{ layer: 3, data: unhex('ff') }, '30 03 ff'],
];

const MALFORMED: [string, string, string][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['a cut layer', '30', WireCode.TRUNCATED],
  ['no message inside', '30 00', WireCode.TRUNCATED],
  ['a bare RELEASE (type 1)', '01 737263', WireCode.UNKNOWN_TYPE],
  ['type 49', '31 00 0141', WireCode.UNKNOWN_TYPE],
  ['layer 16, not below maxLayers', '30 10 0141', WireCode.RANGE],
  ['layer 255', '30 ff 0141', WireCode.RANGE],
  [`an inner message of ${MAX_INNER_BYTES + 1} bytes`, `30 00 ${'01'.repeat(MAX_INNER_BYTES + 1)}`, WireCode.OVERSIZE],
  ['oversize is checked before the type', `00 00 ${'01'.repeat(MAX_INNER_BYTES + 1)}`, WireCode.OVERSIZE],
];

const controlArb: fc.Arbitrary<LayerControl> = fc.record(
  { layer: fc.integer({ min: 0, max: MAX_LAYERS - 1 }), data: fc.uint8Array({ minLength: 1, maxLength: 80 }) },
  { noNullPrototype: true },
);

describeWireFormat("the layered module's LAYER", {
  decode,
  encode,
  golden: GOLDEN,
  malformed: MALFORMED,
  prefixes: { upTo: () => 3, title: 'every prefix cut before the inner message is truncated (it runs to the end)' },
  arbitrary: controlArb,
  seed: SEED,
  value: 'LAYER',
  packets: 'messages',
  extra: () => {
    it("refuses a layer at or above the receiver's maxLayers; takes 1024 bytes inside", () => {
      assertRefused(decodeLayerControl(unhex('30 04 0141'), 4), WireCode.RANGE);
      assert.equal(decodedValue(decodeLayerControl(unhex('30 03 0141'), 4)).layer, 3);
      assert.equal(decodedValue(decode(encodeLayerControl(1, new Uint8Array(MAX_INNER_BYTES)))).data.length, MAX_INNER_BYTES);
      assertRefused(decode(null as unknown as Uint8Array), WireCode.NOT_BYTES);
    });

    it('refuses to encode a layer outside 0..255 or an empty or oversized message', () => {
      const one = Uint8Array.of(1);
      for (const layer of [-1, 256, 1.5, NaN]) assert.throws(() => encodeLayerControl(layer, one), RangeError, String(layer));
      assert.throws(() => encodeLayerControl(0, new Uint8Array(0)), RangeError);
      assert.throws(() => encodeLayerControl(0, new Uint8Array(MAX_INNER_BYTES + 1)), RangeError);
    });

    it('counts a LAYER for a layer this SCX has no forward module for yet (controlsNoLayer)', () => {
      const tree = { upstream: () => 'up', downstream: () => ['b'], neighbourIds: () => ['up', 'b'] };
      const rt = new ChannelRuntime({ self: 'a', channel: 1, factory: layered, tree });
      const header = { sessionId: new Uint8Array(16), channel: 1, seq: 0, timestampMs: 0, source: 'client', sourceScx: 'src' };
      rt.receive(0, 'up', encodeDataPacket(header, layerPayload(0, new Uint8Array(10))));
      const m = rt.module as LayeredModule;
      rt.receiveControl(1, 'b', encodeLayerControl(0, unhex('01 737263')));
      assert.equal(m.stats.controlsNoLayer, 0, 'layer 0 has its forward module');
      rt.receiveControl(2, 'b', encodeLayerControl(2, unhex('01 737263')));
      assert.equal(m.stats.controlsNoLayer, 1, 'no packet of layer 2 seen');
      assert.equal(rt.stats.drops.malformed ?? 0, 0);
    });
  },
});
