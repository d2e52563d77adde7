/**
 * The soft state of repairs at one SCX (paper 5.1): who waits here for a chunk or a manifest that no cache here
 * holds (downstream links and local clients), and when it was last asked upstream. A second ask within `retryMs`
 * is suppressed: the asker only joins the state. Each entry lapses `stateMs` after its last ask; at most
 * `maxEntries` are kept (a new one past that is refused and counted).
 */

import type { Millis } from '../../core/time.ts';
import type { LinkId } from '../../transport/service-module.ts';

/** Who asks: a downstream SCX or a local client (its attachment id). */
export type Asker = { readonly link: LinkId } | { readonly client: string };

/** Who waits for one thing. */
export interface Waiting {
  readonly links: Set<LinkId>;
  readonly clients: Set<string>;
  /** When it was last asked upstream, ms. */
  askedAt: Millis | undefined;
  expiresAt: Millis;
}

/** The repair requests open at one SCX. */
export class Waiters {
  /** By key, in the order of their last ask (so the oldest lapse first). */
  private readonly open = new Map<string, Waiting>();
  /** Asks refused because `maxEntries` were open. */
  refused = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly stateMs: Millis,
    private readonly retryMs: Millis,
  ) {}

  /** Requests open now. */
  get size(): number {
    return this.open.size;
  }

  /**
   * `who` waits for `key` from `now`; true when the thing is due to be asked upstream (then marked asked). With
   * `ask` false it only joins the state (the thing is on its way down the tree).
   */
  add(key: string, who: Asker, now: Millis, ask = true): boolean {
    let w = this.open.get(key);
    if (w) this.open.delete(key);
    else if (this.open.size >= this.maxEntries) {
      this.refused++;
      return false;
    } else w = { links: new Set(), clients: new Set(), askedAt: undefined, expiresAt: 0 };
    if ('link' in who) w.links.add(who.link);
    else w.clients.add(who.client);
    w.expiresAt = now + this.stateMs;
    this.open.set(key, w);
    if (!ask || (w.askedAt !== undefined && now - w.askedAt < this.retryMs)) return false;
    w.askedAt = now;
    return true;
  }

  /** Whether someone waits for `key`. */
  has(key: string): boolean {
    return this.open.has(key);
  }

  /** Who waits for `key`, the request closed. */
  take(key: string): Waiting | undefined {
    const w = this.open.get(key);
    this.open.delete(key);
    return w;
  }

  /** Closes the requests whose time is up at `now`. */
  expire(now: Millis): void {
    for (const [key, w] of this.open) {
      if (w.expiresAt > now) return;
      this.open.delete(key);
    }
  }

  /** Forgets a link that is gone. */
  forgetLink(link: LinkId): void {
    for (const [key, w] of this.open) {
      w.links.delete(link);
      if (w.links.size === 0 && w.clients.size === 0) this.open.delete(key);
    }
  }
}
