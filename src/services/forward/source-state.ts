import type { LinkId } from '../../transport/service-module.ts';
import type { DataPacket } from '../../session/data-header.ts';

/** A switch of upstream in progress: the previous upstream keeps delivering until the new one does. */
export interface Handover {
  /** The previous upstream, still accepted. */
  readonly previous: LinkId;
  /** When the handover ends even if the new upstream never delivered, ms. */
  readonly untilMs: number;
  /** Packets from the new upstream that arrived ahead of the sequence, waiting for the previous one to fill in. */
  readonly held: DataPacket[];
  /** When the previous upstream last delivered (or the handover began), ms. */
  lastFromPreviousMs: number;
}

/** What the forward module keeps per source. */
export interface SourceState {
  /** Sequence number of the last packet forwarded; undefined before the first. */
  lastSeq: number | undefined;
  /** The links the source's packets go to: the downstream links of its tree. */
  downstream: readonly LinkId[];
  /** Former downstream links still sent to until they RELEASE or the time runs out (ms deadline). */
  readonly lingering: Map<LinkId, number>;
  handover: Handover | undefined;
  /** When the last packet of the source passed the upstream check, ms (the state expires `sourceIdleMs` later). */
  lastPacketMs: number;
}

/** A fresh state, created at `now` (ms). */
export function newSourceState(now: number): SourceState {
  return { lastSeq: undefined, downstream: [], lingering: new Map(), handover: undefined, lastPacketMs: now };
}
