/** Options of the layered module, and their defaults. */

import type { ForwardOptions } from '../forward/forward.ts';
import type { CongestionThresholds } from '../pushback/congestion-watch.ts';
import { MAX_LAYERS } from './layer.ts';
import type { LayerSettings } from './link-layers.ts';

/** Options of the layered module. */
export interface LayeredOptions {
  /** Layers a stream may have; a packet of a higher layer is malformed, layers (default 8, at most 16). */
  readonly maxLayers?: number;
  /** A downstream link's queue delay over this is congestion, ms (default 100). */
  readonly delayMs?: number;
  /** ... once it lasts this long, ms (default 200). */
  readonly holdMs?: number;
  /** How often the module looks at its links while it forwards on them, ms (default 50). */
  readonly checkMs?: number;
  /** Quiet time before a link gets a layer back, ms (default 2000). */
  readonly probeMs?: number;
  /** Longest wait between probes after failed ones, ms (default 32000). */
  readonly maxProbeMs?: number;
  /** A probe followed by congestion within this long failed (the next waits twice as long), ms (default 2000). */
  readonly probeWindowMs?: number;
  /** Least time between two sheds on one link, ms (default 500). */
  readonly shedGapMs?: number;
  /** Share of a link's drain rate the kept layers may fill when a shed picks how many to keep, 0..1 (default 0.9). */
  readonly headroom?: number;
  /** A link offered nothing for this long is forgotten (it starts again with every layer), ms (default 60000). */
  readonly linkIdleMs?: number;
  /** Options of the forward module inside. */
  readonly forward?: ForwardOptions;
}

/** Every option, defaults applied. */
export interface LayeredSettings extends CongestionThresholds, LayerSettings {
  readonly maxLayers: number;
  readonly checkMs: number;
  readonly linkIdleMs: number;
}

/** The settings of `o`. Throws RangeError on a value out of range. */
export function layeredSettings(o: LayeredOptions): LayeredSettings {
  const s: LayeredSettings = {
    maxLayers: o.maxLayers ?? 8,
    delayMs: o.delayMs ?? 100,
    holdMs: o.holdMs ?? 200,
    checkMs: o.checkMs ?? 50,
    probeMs: o.probeMs ?? 2000,
    maxProbeMs: o.maxProbeMs ?? 32_000,
    probeWindowMs: o.probeWindowMs ?? 2000,
    shedGapMs: o.shedGapMs ?? 500,
    headroom: o.headroom ?? 0.9,
    linkIdleMs: o.linkIdleMs ?? 60_000,
  };
  if (!(Number.isInteger(s.maxLayers) && s.maxLayers >= 1 && s.maxLayers <= MAX_LAYERS)) throw new RangeError(`layered maxLayers ${s.maxLayers} not in 1..${MAX_LAYERS}`);
  if (!(s.headroom > 0 && s.headroom <= 1)) throw new RangeError(`layered headroom ${s.headroom} not in (0, 1]`);
  for (const k of ['delayMs', 'holdMs', 'checkMs', 'probeMs', 'maxProbeMs', 'probeWindowMs', 'shedGapMs', 'linkIdleMs'] as const) {
    if (!(s[k] >= 0) || (k === 'checkMs' && s[k] === 0)) throw new RangeError(`layered ${k} ${s[k]} out of range`);
  }
  return s;
}
