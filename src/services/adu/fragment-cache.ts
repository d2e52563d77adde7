/**
 * The repair cache of one SCX: the reliable fragments it has, by (source, presentation, slide, slideSeq), bounded by
 * bytes. Fragments of a version that a later version of the same object superseded are evicted first, then the
 * oldest. No age limit: a late joiner fetches a whole presentation's history from here.
 */

import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { LinkId } from '../../transport/service-module.ts';

interface Entry {
  readonly packet: DataPacket;
  readonly objectKey: string;
  readonly version: number;
  /** When the fragment last went to each link as a repair, ms. */
  repairs?: Map<LinkId, Millis>;
}

/** Reliable fragments for repair, superseded versions evicted first. */
export class FragmentCache {
  /** Fragments of each object's latest version, oldest first. */
  private readonly current = new Map<string, Entry>();
  /** Fragments of superseded versions, oldest first. */
  private readonly superseded = new Map<string, Entry>();
  /** Each object's latest version cached and the keys of its fragments. */
  private readonly latest = new Map<string, { version: number; keys: Set<string> }>();
  private held = 0;

  constructor(
    /** Bytes of packets kept, at most. */
    private readonly maxBytes: number,
  ) {}

  /** Bytes of packets cached. */
  get bytes(): number {
    return this.held;
  }

  /** Fragments cached. */
  get size(): number {
    return this.current.size + this.superseded.size;
  }

  /** Keeps `packet`, fragment `seq` of slide `slideKey`, of object `objectKey` at `version`; evicts beyond the bound. */
  put(slideKey: string, seq: number, packet: DataPacket, objectKey: string, version: number): void {
    const key = `${slideKey}\u0000${seq}`;
    if (this.current.has(key) || this.superseded.has(key)) return;
    const entry: Entry = { packet, objectKey, version };
    this.held += packet.bytes.length;
    const last = this.latest.get(objectKey);
    if (last !== undefined && version < last.version) this.superseded.set(key, entry);
    else {
      if (last !== undefined && version > last.version) {
        for (const k of last.keys) this.demote(k);
        last.keys.clear();
      }
      const now = last ?? { version, keys: new Set<string>() };
      now.version = version;
      now.keys.add(key);
      this.latest.set(objectKey, now);
      this.current.set(key, entry);
    }
    this.evict();
  }

  /** The packet of fragment `seq` of `slideKey`, if cached. */
  get(slideKey: string, seq: number): DataPacket | undefined {
    const key = `${slideKey}\u0000${seq}`;
    return (this.current.get(key) ?? this.superseded.get(key))?.packet;
  }

  /** Notes that fragment `seq` of `slideKey` went to `link` as a repair at `now` (ms). */
  repairedTo(slideKey: string, seq: number, link: LinkId, now: Millis): void {
    const key = `${slideKey}\u0000${seq}`;
    const e = this.current.get(key) ?? this.superseded.get(key);
    if (e) (e.repairs ??= new Map()).set(link, now);
  }

  /** Whether fragment `seq` of `slideKey` went to `link` as a repair after `since` (ms). */
  repairedSince(slideKey: string, seq: number, link: LinkId, since: Millis): boolean {
    const key = `${slideKey}\u0000${seq}`;
    return ((this.current.get(key) ?? this.superseded.get(key))?.repairs?.get(link) ?? -Infinity) > since;
  }

  private demote(key: string): void {
    const e = this.current.get(key);
    if (!e) return;
    this.current.delete(key);
    this.superseded.set(key, e);
  }

  private evict(): void {
    for (const map of [this.superseded, this.current]) {
      for (const [key, e] of map) {
        if (this.held <= this.maxBytes) return;
        map.delete(key);
        this.held -= e.packet.bytes.length;
        const last = this.latest.get(e.objectKey);
        if (last?.keys.delete(key) && last.keys.size === 0) this.latest.delete(e.objectKey);
      }
    }
  }
}
