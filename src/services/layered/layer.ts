/**
 * Layered data: each packet carries one layer of a source's stream, its number in the first payload byte
 * (`[layer u8][layer data]`; 0 is the base layer, each higher one enhances those below). One byte in the payload
 * keeps one tree and one sequence space per source (the forward module's make-before-break works unchanged), and
 * a relay reads the layer without any header change.
 */

import type { DataPacket } from '../../session/data-header.ts';

/** Most layers a stream may have (the layer byte is below this). */
export const MAX_LAYERS = 16;

/** The layer of `packet`; undefined when its payload is empty or names a layer at or over `maxLayers`. */
export function layerOf(packet: DataPacket, maxLayers: number): number | undefined {
  const layer = packet.bytes[packet.payloadOffset];
  return layer !== undefined && layer < maxLayers ? layer : undefined;
}

/** The payload of a packet of `layer` carrying `data` (what a layered source sends). Throws RangeError on a bad layer. */
export function layerPayload(layer: number, data: Uint8Array): Uint8Array {
  if (!Number.isInteger(layer) || layer < 0 || layer >= MAX_LAYERS) throw new RangeError(`layer ${layer} not in 0..${MAX_LAYERS - 1}`);
  const out = new Uint8Array(1 + data.length);
  out[0] = layer;
  out.set(data, 1);
  return out;
}

/** The traffic class of `layer` on a link's scheduler. */
export function layerClass(layer: number): string {
  return `layer${layer}`;
}
