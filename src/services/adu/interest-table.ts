/**
 * Interest aggregation at one SCX (paper 6.6.2): each local client's and each downstream link's high-interest slides
 * per presentation, soft state that lapses `ttlMs` after the last report. A slide is high here when any reporter
 * has it high (slide 0 always is); the aggregate sent to a link leaves out that link's own report (no echo).
 * Bounded: reporters, presentations per reporter, and high slides listed over all reports.
 */

import type { Millis } from '../../core/time.ts';
import { LOCAL_LINK, type LinkId } from '../../transport/service-module.ts';
import type { ClientInterest } from './wire/interest.ts';

/** Presentations one reporter may have interest in at once (more replace its oldest). */
const MAX_PRESENTATIONS_PER_OWNER = 16;

interface Report {
  readonly slides: ReadonlySet<number>;
  readonly until: Millis;
}

/** Who reported: a local client (`LOCAL_LINK` side) or an SCX link. */
interface Owner {
  readonly link: LinkId;
  readonly byPresentation: Map<string, Report>;
}

const slideKey = (presentation: string, slide: number): string => `${presentation}\u0000${slide}`;

/** The interest of every reporter, and how many have each slide high. */
export class InterestTable {
  private readonly owners = new Map<string, Owner>();
  /** Reporters with each (presentation, slide) high. */
  private readonly highCount = new Map<string, number>();
  /** Reporters of each link side with each (presentation, slide) high (LOCAL_LINK: the clients). */
  private readonly linkCount = new Map<string, number>();
  /** High slides listed over all reports held. */
  private listed = 0;
  /** No report lapses before this, ms (may be early: a report renewed since); undefined when none is held. */
  private earliest: Millis | undefined;

  constructor(
    /** A report lapses this long after it came, ms. */
    private readonly ttlMs: number,
    /** Reporters tracked, at most. */
    private readonly maxOwners: number,
    /** High slides listed over all reports, at most. */
    private readonly maxListed: number,
  ) {}

  /** Reporters tracked now. */
  get size(): number {
    return this.owners.size;
  }

  /** High slides listed over all reports held now. */
  get listedCount(): number {
    return this.listed;
  }

  /** Local client `client` reports `i` at `now` (ms); false (not taken) when `maxOwners` report already, or it would list over `maxListed` slides. */
  client(client: string, i: ClientInterest, now: Millis): boolean {
    return this.report(`c\u0000${client}`, LOCAL_LINK, i, now);
  }

  /** Link `link` reports its side's aggregate `i` at `now` (ms); false as for `client`. */
  link(link: LinkId, i: ClientInterest, now: Millis): boolean {
    return this.report(`l\u0000${link}`, link, i, now);
  }

  /** Forgets what `link` reported (its peer is gone). */
  forgetLink(link: LinkId): void {
    const owner = this.owners.get(`l\u0000${link}`);
    if (owner) this.drop(`l\u0000${link}`, owner);
  }

  /** Whether any reporter here has the slide high (slide 0 always is). */
  high(presentation: string, slide: number): boolean {
    return slide === 0 || (this.highCount.get(slideKey(presentation, slide)) ?? 0) > 0;
  }

  /** Whether the side of `link` (LOCAL_LINK: the local clients) has the slide high (slide 0 always is). */
  linkHigh(link: LinkId, presentation: string, slide: number): boolean {
    return slide === 0 || (this.linkCount.get(`${link}\u0000${slideKey(presentation, slide)}`) ?? 0) > 0;
  }

  /** Every presentation's high slides over all reporters but `link`'s, sorted; presentations with none included as empty. */
  aggregateFor(link: LinkId): ClientInterest[] {
    const by = new Map<string, Set<number>>();
    for (const owner of this.owners.values()) {
      for (const [presentation, report] of owner.byPresentation) {
        let set = by.get(presentation);
        if (!set) by.set(presentation, (set = new Set()));
        if (owner.link !== link) for (const s of report.slides) set.add(s);
      }
    }
    return [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([presentation, set]) => ({ presentation, slides: [...set].sort((a, b) => a - b) }));
  }

  /** Forgets the reports whose time is up at `now` (ms); says whether any was. Costs nothing before `nextExpiry()`. */
  expire(now: Millis): boolean {
    if (this.earliest === undefined || this.earliest > now) return false;
    let changed = false;
    let next = Infinity;
    for (const [key, owner] of this.owners) {
      for (const [presentation, report] of owner.byPresentation) {
        if (report.until > now) {
          next = Math.min(next, report.until);
          continue;
        }
        this.count(owner.link, presentation, report.slides, -1);
        owner.byPresentation.delete(presentation);
        changed = true;
      }
      if (owner.byPresentation.size === 0) this.owners.delete(key);
    }
    this.earliest = next === Infinity ? undefined : next;
    return changed;
  }

  /** When `expire` next has something to look at, ms (no report lapses earlier); undefined when none is held. */
  nextExpiry(): Millis | undefined {
    return this.earliest;
  }

  private report(key: string, link: LinkId, i: ClientInterest, now: Millis): boolean {
    let owner = this.owners.get(key);
    if (!owner) {
      if (this.owners.size >= this.maxOwners) return false;
      owner = { link, byPresentation: new Map() };
      this.owners.set(key, owner);
    }
    const previous = owner.byPresentation.get(i.presentation);
    const slides = new Set(i.slides);
    if (this.listed - (previous?.slides.size ?? 0) + slides.size > this.maxListed) {
      if (owner.byPresentation.size === 0) this.owners.delete(key);
      return false;
    }
    if (previous) {
      this.count(link, i.presentation, previous.slides, -1);
      owner.byPresentation.delete(i.presentation);
    } else if (owner.byPresentation.size >= MAX_PRESENTATIONS_PER_OWNER) {
      const [oldest, report] = owner.byPresentation.entries().next().value!;
      this.count(link, oldest, report.slides, -1);
      owner.byPresentation.delete(oldest);
    }
    owner.byPresentation.set(i.presentation, { slides, until: now + this.ttlMs });
    this.earliest ??= now + this.ttlMs;
    this.count(link, i.presentation, slides, 1);
    return true;
  }

  private drop(key: string, owner: Owner): void {
    for (const [presentation, report] of owner.byPresentation) this.count(owner.link, presentation, report.slides, -1);
    this.owners.delete(key);
  }

  private count(link: LinkId, presentation: string, slides: ReadonlySet<number>, by: 1 | -1): void {
    this.listed += by * slides.size;
    for (const s of slides) {
      bump(this.highCount, slideKey(presentation, s), by);
      bump(this.linkCount, `${link}\u0000${slideKey(presentation, s)}`, by);
    }
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
