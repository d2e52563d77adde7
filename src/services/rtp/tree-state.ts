/**
 * What the rtp module keeps per source (one source SCX's tree at this SCX), and its bounds: at most `maxStreams`
 * streams (the original and its tiers), `maxSsrcs` measured SSRCs, one tier and one aggregate per downstream link.
 */

import type { Millis } from '../../core/time.ts';
import type { ScxId } from '../../gossamer/wire/messages.ts';
import type { DataHeader } from '../../session/data-header.ts';
import type { LinkId } from '../../transport/service-module.ts';
import type { LinkTier } from './link-tier.ts';
import type { SeqWindow } from './seq-window.ts';
import type { TierStream } from './tier-stream.ts';
import type { Aggregate, SubtreeReport } from './wire/aggregate.ts';
import type { MpaReassembler } from './wire/mpa.ts';
import type { ReceptionStats } from './wire/reception.ts';

/** One stream of a source: a data-header `source` name (the original, or a tier of it). */
export interface StreamState {
  /** The original's name (the tier suffix taken off). */
  readonly base: string;
  /** Its tier index: 0 for the original. */
  readonly tier: number;
  /** Whether lower tiers can be made of it (a transcoder factory, and names that fit a data header). */
  readonly tierable: boolean;
  readonly window: SeqWindow;
  lastMs: Millis;
  /** The last packet's header: the transcoded streams take session, channel and source SCX from it. */
  header: DataHeader;
  /** Its MP3 frames, put together again while a transcoder takes them. */
  reassembler: MpaReassembler | undefined;
  /** The transcoded streams made of it here, by tier index. */
  readonly tiers: Map<number, TierStream>;
}

/** The reception of one SSRC at this SCX. */
export interface Reception {
  readonly stats: ReceptionStats;
  lastMs: Millis;
  /** The fraction lost in the last interval reported, 0..1 (0 before the first report). */
  lastFraction: number;
}

/** The latest aggregate from a downstream link, and when it came. */
export interface ChildReport {
  readonly aggregate: Aggregate;
  readonly atMs: Millis;
}

/** One source's state at this SCX. */
export interface TreeState {
  readonly source: ScxId;
  readonly streams: Map<string, StreamState>;
  readonly reception: Map<number, Reception>;
  /** The tier of each downstream (or lingering) link. */
  readonly links: Map<LinkId, LinkTier>;
  readonly children: Map<LinkId, ChildReport>;
  /** The source's downstream links, as the last change said. */
  downstream: readonly LinkId[];
  /** Links that left the downstream set, still served until their time (make-before-break). */
  readonly lingering: Map<LinkId, Millis>;
  /** The upstream before the last change, still accepted until its time. */
  previous: { readonly link: LinkId; readonly untilMs: Millis } | undefined;
  /** The subtree aggregate made at the last report (at the source SCX: the root's), and when. */
  subtree: SubtreeReport | undefined;
  subtreeAtMs: Millis;
  lastMs: Millis;
}

/** A fresh state of `source`, whose downstream links are `downstream`. */
export function newTreeState(source: ScxId, downstream: readonly LinkId[], now: Millis): TreeState {
  return {
    source,
    streams: new Map(),
    reception: new Map(),
    links: new Map(),
    children: new Map(),
    downstream,
    lingering: new Map(),
    previous: undefined,
    subtree: undefined,
    subtreeAtMs: now,
    lastMs: now,
  };
}

/** The links a packet of the tree goes to: downstream and lingering ones (expired lingerers forgotten), but `from`. */
export function targetsOf(tree: TreeState, from: LinkId | undefined, now: Millis): LinkId[] {
  const out = tree.downstream.filter((l) => l !== from);
  for (const [link, until] of tree.lingering) {
    if (until <= now) tree.lingering.delete(link);
    else if (link !== from && !out.includes(link)) out.push(link);
  }
  return out;
}
