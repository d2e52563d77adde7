/**
 * The layered module's control message: a control message of the forward module that runs one layer, tagged with
 * its layer (each layer has a forward module of its own, so that each layer's sequence is checked on its own).
 * Layout: `[type u8 = 48][layer u8][the forward module's bytes, 1..1024, to the end]`. See docs/wire.md.
 */

import { ByteWriter, decodeWith, DecodeError, type ByteReader } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';

/** The type byte of a layer's control message. */
export const LAYER_CONTROL_TYPE = 48;

/** Most bytes of a forward module's control message inside (its RELEASE is at most 256). */
export const MAX_INNER_BYTES = 1024;

/** A decoded layer control message. */
export interface LayerControl {
  readonly layer: number;
  /** The forward module's message (a view). */
  readonly data: Uint8Array;
}

/**
 * Wraps `data`, a control message of layer `layer`'s forward module. Throws RangeError on a layer outside 0..255 or
 * a message of 0 or over MAX_INNER_BYTES bytes.
 */
export function encodeLayerControl(layer: number, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length > MAX_INNER_BYTES) throw new RangeError(`LAYER inner message of ${data.length} bytes, not 1..${MAX_INNER_BYTES}`);
  const w = new ByteWriter(2 + data.length);
  w.u8(LAYER_CONTROL_TYPE);
  w.u8(layer);
  w.raw(data);
  return w.finish();
}

function readLayerControl(r: ByteReader, maxLayers: number): LayerControl {
  if (r.remaining > 2 + MAX_INNER_BYTES) throw new DecodeError(WireCode.OVERSIZE, `layer control of ${r.remaining} bytes exceeds ${2 + MAX_INNER_BYTES}`);
  const type = r.u8();
  if (type !== LAYER_CONTROL_TYPE) throw new DecodeError(WireCode.UNKNOWN_TYPE, `unknown layered control type ${type}`);
  const layer = r.u8();
  if (layer >= maxLayers) throw new DecodeError(WireCode.RANGE, `layer ${layer} at offset 1 not below ${maxLayers}`);
  if (r.remaining === 0) throw new DecodeError(WireCode.TRUNCATED, 'truncated: layer control without a message inside');
  return { layer, data: r.rest() };
}

/** The layer and inner message of `bytes`, refused unless its layer is below `maxLayers`. Never throws. */
export function decodeLayerControl(bytes: Uint8Array, maxLayers: number): Decoded<LayerControl> {
  return decodeWith(bytes, (r) => readLayerControl(r, maxLayers));
}
