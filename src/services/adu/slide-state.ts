/** What the adu module keeps per (source SCX, presentation, slide) at one SCX: the numbering seen and the open repairs. */

import { RepairRequests } from '../reliable/repair-requests.ts';
import { encodeSummary, MAX_SUMMARY_ENTRIES, type SummaryEntry } from './wire/control.ts';

/** The state of one slide of one source. */
export interface SlideState {
  readonly source: string;
  readonly presentation: string;
  readonly slide: number;
  /** Its key in the module's tables (`slideKey`). */
  readonly key: string;
  /** Highest reliable slideSeq seen or announced by a SUMMARY; 0 before any. */
  highest: number;
  /** Open repair requests by slideSeq (this SCX's own gaps and downstream links' NACKs). */
  readonly requests: RepairRequests;
}

/** The key of a slide of a source. */
export function slideKey(source: string, presentation: string, slide: number): string {
  return `${source}\u0000${presentation}\u0000${slide}`;
}

/** A fresh state, at most `maxRequests` requests open. */
export function newSlideState(source: string, presentation: string, slide: number, maxRequests: number): SlideState {
  return { source, presentation, slide, key: slideKey(source, presentation, slide), highest: 0, requests: new RepairRequests(maxRequests) };
}

/** The SUMMARY messages of `self`'s own slides (the highest slideSeq of each); none when it has none. */
export function summaryMessages(self: string, slides: Iterable<SlideState>): Uint8Array[] {
  const entries: SummaryEntry[] = [];
  for (const st of slides) if (st.source === self && st.highest > 0) entries.push({ presentation: st.presentation, slide: st.slide, highest: st.highest });
  const out: Uint8Array[] = [];
  for (let i = 0; i < entries.length; i += MAX_SUMMARY_ENTRIES) out.push(encodeSummary({ source: self, entries: entries.slice(i, i + MAX_SUMMARY_ENTRIES) }));
  return out;
}
