import type { DropReason } from './service-module.ts';

/** Counters of one channel at one SCX, for metrics. */
export interface ChannelStats {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  /** Packets handed to local clients. */
  delivered: number;
  /** Packets dropped, by reason. */
  readonly drops: Partial<Record<DropReason, number>>;
}

/** Zeroed counters. */
export function newChannelStats(): ChannelStats {
  return { packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0, delivered: 0, drops: {} };
}
