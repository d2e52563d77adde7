/**
 * Reporting an SCX's aggregate interest upstream (paper 6.6.2): to each upstream link, one client-interest message
 * per presentation (interest.ts), leaving out that link's own report; only what changed since the last report to
 * that link, or everything (the periodic refresh). A presentation no longer of interest is reported once, empty.
 */

import type { LinkId } from '../../transport/service-module.ts';
import type { InterestTable } from './interest-table.ts';
import { encodeClientInterest } from './wire/interest.ts';

/** What was last reported to each upstream link. */
export class InterestReporter {
  /** The slides last reported to each link, by presentation, as a comma-separated list. */
  private readonly sent = new Map<LinkId, Map<string, string>>();

  constructor(
    private readonly table: InterestTable,
    /** Sends a control message to the module across a link. */
    private readonly sendControl: (link: LinkId, data: Uint8Array) => void,
  ) {}

  /** Reports to each of `links` what changed (or, with `all`, everything); returns the messages sent. */
  report(links: Iterable<LinkId>, all: boolean): number {
    let messages = 0;
    for (const link of links) {
      const before = this.sent.get(link) ?? new Map<string, string>();
      const next = new Map<string, string>();
      for (const i of this.table.aggregateFor(link)) next.set(i.presentation, i.slides.join(','));
      for (const presentation of before.keys()) if (!next.has(presentation)) next.set(presentation, '');
      for (const [presentation, slides] of next) {
        if (!all && before.get(presentation) === slides) continue;
        this.sendControl(link, encodeClientInterest({ presentation, slides: slides === '' ? [] : slides.split(',').map(Number) }));
        messages++;
      }
      for (const [presentation, slides] of next) if (slides === '') next.delete(presentation);
      this.sent.set(link, next);
    }
    return messages;
  }

  /** Forgets what was reported to `link` (its peer is gone). */
  forget(link: LinkId): void {
    this.sent.delete(link);
  }
}
