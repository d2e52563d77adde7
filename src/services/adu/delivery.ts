/**
 * Delivery of whole ADUs to this SCX's local clients: every fragment of one ADU, in fragment order, consecutively,
 * once all are there; never a version of an object at or below one already delivered (stale: dropped, counted);
 * an ADU whose `after` object has not been delivered at that version yet is held, at most `afterHoldMs` (then
 * delivered and counted). Bounded: partial ADUs by bytes, held ADUs by count, remembered objects by count.
 */

import type { Millis } from '../../core/time.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { AduSettings } from './options.ts';
import type { AduStats } from './stats.ts';
import type { AduHeader, AduSpec } from './wire/adu.ts';
import { FragmentJoiner } from './wire/assembler.ts';

interface Held {
  readonly spec: AduSpec;
  readonly packets: DataPacket[];
  readonly until: Millis;
}

const objectKey = (presentation: string, object: number): string => `${presentation}\u0000${object}`;

/** Whole, fresh, ordered ADUs to the local clients. */
export class LocalDelivery {
  private readonly joiner: FragmentJoiner<DataPacket>;
  /** The version delivered of each object, least recently delivered first. */
  private readonly delivered = new Map<string, number>();
  private readonly held: Held[] = [];

  constructor(
    private readonly settings: Pick<AduSettings, 'assemblyBytes' | 'afterHoldMs' | 'maxAfterHeld' | 'maxObjects'>,
    private readonly stats: AduStats,
    private readonly deliver: (packet: DataPacket) => void,
  ) {
    this.joiner = new FragmentJoiner(settings.assemblyBytes);
  }

  /** ADUs held for their `after` object now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Objects whose delivered version is remembered now. */
  get objectCount(): number {
    return this.delivered.size;
  }

  /** Bytes of partial ADUs now. */
  get partialBytes(): number {
    return this.joiner.bytes;
  }

  /** Whether a fragment of `h` is stale here (its object delivered at its version or later). */
  stale(h: Pick<AduHeader, 'presentation' | 'object' | 'version'>): boolean {
    return (this.delivered.get(objectKey(h.presentation, h.object)) ?? 0) >= h.version;
  }

  /** One fragment, `packet`, with its decoded header, at `now` (ms). */
  push(packet: DataPacket, h: AduHeader, now: Millis): void {
    if (this.stale(h)) {
      this.stats.staleDropped++;
      return;
    }
    const whole = this.joiner.push(h, packet, packet.bytes.length);
    if (!whole) return;
    const after = whole.spec.after;
    if (after === undefined || this.stale({ presentation: whole.spec.presentation, ...after })) return this.complete(whole.spec, whole.items);
    this.stats.afterHeld++;
    if (this.held.length >= this.settings.maxAfterHeld) this.release(this.held.shift()!);
    this.held.push({ spec: whole.spec, packets: whole.items, until: now + this.settings.afterHoldMs });
  }

  /** Delivers the held ADUs whose wait is over at `now` (ms). */
  handleTimeout(now: Millis): void {
    while (this.held.length > 0 && this.held[0]!.until <= now) this.release(this.held.shift()!);
  }

  /** When the next held ADU's wait ends, ms. */
  nextDeadline(): Millis | undefined {
    return this.held[0]?.until;
  }

  /** A held ADU goes out without its `after` object. */
  private release(h: Held): void {
    this.stats.afterReleasedLate++;
    this.complete(h.spec, h.packets);
  }

  /** Delivers a whole ADU unless stale, then the held ADUs it frees. */
  private complete(spec: AduSpec, packets: DataPacket[]): void {
    if (this.stale(spec)) {
      this.stats.staleDropped++;
      return;
    }
    const key = objectKey(spec.presentation, spec.object);
    this.delivered.delete(key);
    this.delivered.set(key, spec.version);
    if (this.delivered.size > this.settings.maxObjects) this.delivered.delete(this.delivered.keys().next().value!);
    for (const p of packets) this.deliver(p);
    this.stats.adusDelivered++;
    for (let i = 0; i < this.held.length; i++) {
      const h = this.held[i]!;
      if (h.spec.presentation !== spec.presentation || h.spec.after?.object !== spec.object || h.spec.after.version > spec.version) continue;
      this.held.splice(i, 1);
      this.complete(h.spec, h.packets);
      i = -1; // the list changed under us: look again from the start
    }
  }
}
