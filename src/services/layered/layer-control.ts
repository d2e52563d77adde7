/**
 * The layered module's control message: a control message of the forward module that runs one layer, tagged with
 * its layer (each layer has a forward module of its own, so that each layer's sequence is checked on its own).
 * Layout: `[type u8 = 48][layer u8][the forward module's bytes, to the end]`.
 */

import { ok, refused, WireCode, type Decoded } from '../../core/decoded.ts';

/** The type byte of a layer's control message. */
export const LAYER_CONTROL_TYPE = 48;

/** Most bytes of a forward module's control message inside (its RELEASE is at most 256). */
const MAX_INNER_BYTES = 1024;

/** A decoded layer control message. */
export interface LayerControl {
  readonly layer: number;
  /** The forward module's message (a view). */
  readonly data: Uint8Array;
}

/** Wraps `data`, a control message of layer `layer`'s forward module. */
export function encodeLayerControl(layer: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + data.length);
  out[0] = LAYER_CONTROL_TYPE;
  out[1] = layer;
  out.set(data, 2);
  return out;
}

/** The layer and inner message of `bytes`, refused unless its layer is below `maxLayers`. Never throws. */
export function decodeLayerControl(bytes: Uint8Array, maxLayers: number): Decoded<LayerControl> {
  if (bytes.length < 3) return refused(WireCode.TRUNCATED, `layer control of ${bytes.length} bytes`);
  if (bytes.length > 2 + MAX_INNER_BYTES) return refused(WireCode.OVERSIZE, `layer control of ${bytes.length} bytes exceeds ${2 + MAX_INNER_BYTES}`);
  if (bytes[0] !== LAYER_CONTROL_TYPE) return refused(WireCode.UNKNOWN_TYPE, `unknown layered control type ${bytes[0]}`);
  const layer = bytes[1] as number;
  if (layer >= maxLayers) return refused(WireCode.RANGE, `layer ${layer} not below ${maxLayers}`);
  return ok({ layer, data: bytes.subarray(2) });
}
