import type { ScxId } from './wire/messages.ts';

/** Why a mesh edge went away. */
export type NeighbourDownReason = 'optimised' | 'evicted' | 'disconnected' | 'failed' | 'left';

/** What a Gossamer node tells its driver, taken with `pollEvent()`. */
export type GossamerEvent =
  | { readonly type: 'neighbour-up'; readonly peer: ScxId; readonly direction: 'out' | 'in' }
  | { readonly type: 'neighbour-down'; readonly peer: ScxId; readonly reason: NeighbourDownReason }
  /** The best route to `source` changed; a data plane keeps `previousUpstream` until `upstream` delivers. */
  | {
      readonly type: 'route-changed';
      readonly source: ScxId;
      readonly upstream: ScxId | undefined;
      readonly previousUpstream: ScxId | undefined;
      readonly costMs: number | undefined;
    }
  /** The neighbours that take `source`'s data from this SCX changed. */
  | { readonly type: 'downstream-changed'; readonly source: ScxId; readonly downstream: readonly ScxId[] }
  | { readonly type: 'scx-dead'; readonly scx: ScxId; readonly reason: 'left' | 'failed' }
  /** The core needs the latency to `peer`: the driver's probe module should measure it and call setLinkCost. */
  | { readonly type: 'link-cost-wanted'; readonly peer: ScxId }
  /** A message from `from` was malformed or unexpected and was dropped. */
  | { readonly type: 'message-dropped'; readonly from: ScxId; readonly code: string; readonly reason: string }
  /** This SCX stopped hearing the HEARTBEAT and is reconnecting towards `target`. */
  | { readonly type: 'heal'; readonly target: ScxId };
