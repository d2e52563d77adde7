/** What the reliable module keeps per source at one SCX, and how much all of it holds. */

import type { Millis } from '../../core/time.ts';
import { seqDiff, type DataPacket } from '../../session/data-header.ts';
import { InOrderDelivery } from './in-order.ts';
import type { LossReason } from './loss-report.ts';
import type { ReliableSettings } from './options.ts';
import { RepairCache } from './repair-cache.ts';
import { RepairRequests } from './repair-requests.ts';

/** The state of one source. */
export interface SourceState {
  /** Highest sequence number forwarded as fresh data; undefined before the first (an SPM may set it first). */
  highest: number | undefined;
  /** Highest sequence number an SPM announced beyond `highest`, while its packets are missing; else undefined. */
  announced: number | undefined;
  /** The session id of the source's packets, stamped on loss reports; undefined before the first packet. */
  sessionId: Uint8Array | undefined;
  readonly cache: RepairCache;
  readonly requests: RepairRequests;
  readonly order: InOrderDelivery;
  /** When the source's last fresh or repaired packet came, ms (the state expires `sourceIdleMs` later). */
  lastPacketMs: Millis;
  /** At the source SCX, when the next SPM is due, ms; undefined elsewhere. */
  spmAt: Millis | undefined;
  /** At the source SCX, the wait before the SPM after the next one, ms (doubles up to `spmMaxMs`). */
  spmWaitMs: number;
}

/** A fresh state: deliveries and skipped runs go to `deliver` and `skipped`. */
export function newSourceState(
  s: ReliableSettings,
  now: Millis,
  deliver: (p: DataPacket) => void,
  skipped: (first: number, count: number, reason: LossReason) => void,
): SourceState {
  return {
    highest: undefined,
    announced: undefined,
    sessionId: undefined,
    cache: new RepairCache(s.cachePackets, s.cacheMs),
    requests: new RepairRequests(s.maxRequests),
    order: new InOrderDelivery(s.maxHeld, deliver, skipped, s.maxRequests),
    lastPacketMs: now,
    spmAt: undefined,
    spmWaitMs: s.spmIdleMs,
  };
}

/** The highest sequence number known to be sent: `highest`, or a later one an SPM announced. */
export function leadOf(st: SourceState): number | undefined {
  const { highest, announced } = st;
  if (highest === undefined || announced === undefined) return highest ?? announced;
  return seqDiff(announced, highest) > 0 ? announced : highest;
}

/** What a reliable module holds now, for tests and checks that it stays bounded. */
export interface ReliableStateSize {
  /** Sources tracked here (at most `maxSources`). */
  readonly sources: number;
  /** Sources tracked by the forward module inside. */
  readonly forwardSources: number;
  /** Packets in the repair caches, all sources together. */
  readonly cachedPackets: number;
  /** Open repair requests, all sources together. */
  readonly requests: number;
  /** Packets held back for in-order delivery, all sources together. */
  readonly heldPackets: number;
  /** Given-up seqs that delivery has not passed yet, all sources together. */
  readonly abandonedSeqs: number;
  /** Links with a NACK rate bucket. */
  readonly nackLinks: number;
}

/** The sizes of `sources`' caches, requests, held and given-up seqs, added up. */
export function sizesOf(sources: Iterable<SourceState>): Pick<ReliableStateSize, 'cachedPackets' | 'requests' | 'heldPackets' | 'abandonedSeqs'> {
  let cachedPackets = 0;
  let requests = 0;
  let heldPackets = 0;
  let abandonedSeqs = 0;
  for (const st of sources) {
    cachedPackets += st.cache.size;
    requests += st.requests.size;
    heldPackets += st.order.heldCount;
    abandonedSeqs += st.order.abandonedCount;
  }
  return { cachedPackets, requests, heldPackets, abandonedSeqs };
}
