/**
 * The per-link transmission scheduler of one channel (paper 5.2): every packet a module sends on a link waits here
 * until the link can take it. Start-time fair queuing (Goyal et al.) across traffic classes: each class gets link
 * time in proportion to its weight, and a class alone on the link gets all of it. It is the leaf level of the
 * link's hierarchy (link-share.ts: link -> session -> channel -> class). The queue is bounded; what overflow
 * drops follows the module's drop policy.
 */

import { Fifo } from '../core/fifo.ts';
import type { DataPacket } from '../session/data-header.ts';

/** The class of packets sent without one. */
export const DEFAULT_CLASS = 'default';

/**
 * What a full link queue drops: `tail` the arriving packet; `oldest` the oldest packets of the arriving packet's
 * class (fresh data matters more: media); `lowest-class` the newest packets of the least important class queued
 * (`precedence`), down to the arriving packet's own class, so base layers survive while enhancements are shed.
 */
export type DropPolicy = 'tail' | 'oldest' | 'lowest-class';

/** The drop policies, for config checks and errors. */
export const DROP_POLICIES: readonly DropPolicy[] = ['tail', 'oldest', 'lowest-class'];

/** Options of a link scheduler. */
export interface SchedulerOptions {
  /** Most bytes queued on the link before overflow drops packets, bytes (default 4 MiB). */
  readonly maxQueueBytes?: number;
  /** Weight of each named class (default 1 for any class not listed). */
  readonly weights?: Readonly<Record<string, number>>;
  /** What overflow drops (default `tail`). */
  readonly dropPolicy?: DropPolicy;
  /** Classes from most to least important, for `lowest-class` (unlisted classes rank below every listed one). */
  readonly precedence?: readonly string[];
  /** The weight of the module's channel among its session's channels on a shared link (default 1; link-share.ts). */
  readonly channelWeight?: number;
}

interface Queued {
  readonly packet: DataPacket;
  readonly start: number;
}

interface ClassQueue {
  readonly weight: number;
  /** Rank for `lowest-class`: higher is less important. */
  readonly rank: number;
  readonly items: Queued[];
  head: number;
  /** Finish tag of the last packet enqueued. */
  lastFinish: number;
}

/** SFQ over traffic classes, with a byte cap on the whole link and a drop policy. */
export class LinkScheduler {
  private readonly maxQueueBytes: number;
  private readonly weights: Readonly<Record<string, number>>;
  private readonly policy: DropPolicy;
  private readonly precedence: readonly string[];
  private readonly classes = new Map<string, ClassQueue>();
  /** Packets of the default class while no other class is in use: plain FIFO, no tags (the common case). */
  private readonly plain = new Fifo<DataPacket>();
  private virtualTime = 0;
  private bytes = 0;
  private count = 0;
  /** Packets queued earlier and dropped by overflow to make room (`oldest`, `lowest-class`). */
  evicted = 0;

  constructor(options: SchedulerOptions = {}) {
    this.maxQueueBytes = options.maxQueueBytes ?? 4 * 1024 * 1024;
    this.weights = options.weights ?? {};
    this.policy = options.dropPolicy ?? 'tail';
    this.precedence = options.precedence ?? [];
  }

  /** Bytes waiting. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Packets waiting. */
  get length(): number {
    return this.count;
  }

  /** Queues a packet; false (and nothing queued) when the link's queue is full and the policy keeps what waits. */
  enqueue(packet: DataPacket, trafficClass: string = DEFAULT_CLASS): boolean {
    const size = packet.bytes.length;
    if (this.bytes + size > this.maxQueueBytes && !this.makeRoom(size, trafficClass)) return false;
    this.bytes += size;
    this.count++;
    if (trafficClass === DEFAULT_CLASS && this.classes.size === 0) {
      this.plain.push(packet);
      return true;
    }
    // Another class appears: the plain packets join the default class's queue, tagged as SFQ would have.
    for (let p = this.plain.shift(); p; p = this.plain.shift()) this.tag(p, DEFAULT_CLASS);
    this.tag(packet, trafficClass);
    return true;
  }

  /** The next packet to send: the smallest start tag across classes (FIFO within a class). */
  dequeue(): DataPacket | undefined {
    if (this.count === 0) return undefined;
    const plain = this.plain.shift();
    if (plain) return this.taken(plain);
    let best: ClassQueue | undefined;
    let bestStart = Infinity;
    for (const q of this.classes.values()) {
      const head = q.items[q.head];
      if (head && head.start < bestStart) {
        best = q;
        bestStart = head.start;
      }
    }
    const item = this.shiftHead(best as ClassQueue);
    this.virtualTime = item.start;
    return this.taken(item.packet);
  }

  /** Drops everything queued (the link went away). */
  clear(): void {
    this.classes.clear();
    this.plain.clear();
    this.bytes = this.count = 0;
  }

  /** Frees room for `size` bytes of `trafficClass` by the drop policy; false when the arriving packet is the one to drop. */
  private makeRoom(size: number, trafficClass: string): boolean {
    if (this.policy === 'tail' || size > this.maxQueueBytes) return false;
    while (this.bytes + size > this.maxQueueBytes) {
      const victim = this.policy === 'oldest' ? this.oldestOf(trafficClass) : this.leastImportant(trafficClass);
      if (!victim) return false;
      this.taken(victim);
      this.evicted++;
    }
    return true;
  }

  /** Takes the oldest packet of `trafficClass` off its queue; undefined when it has none. */
  private oldestOf(trafficClass: string): DataPacket | undefined {
    if (this.classes.size === 0) return trafficClass === DEFAULT_CLASS ? this.plain.shift() : undefined;
    const q = this.classes.get(trafficClass);
    return q && q.head < q.items.length ? this.shiftHead(q).packet : undefined;
  }

  /** Takes the newest packet of the least important class no more important than `trafficClass`; undefined if none. */
  private leastImportant(trafficClass: string): DataPacket | undefined {
    if (this.classes.size === 0) return undefined; // only the default class: the arriving packet is the newest
    const floor = this.rankOf(trafficClass);
    let victim: ClassQueue | undefined;
    for (const q of this.classes.values()) {
      if (q.head < q.items.length && q.rank > floor && (!victim || q.rank > victim.rank)) victim = q;
    }
    if (!victim) return undefined;
    const item = victim.items.pop() as Queued;
    // The class's next packet starts where the dropped one did: SFQ charges it nothing.
    victim.lastFinish = item.start;
    if (victim.head === victim.items.length) victim.items.length = victim.head = 0;
    return item.packet;
  }

  private rankOf(trafficClass: string): number {
    const i = this.precedence.indexOf(trafficClass);
    return i < 0 ? this.precedence.length : i;
  }

  private shiftHead(q: ClassQueue): Queued {
    const item = q.items[q.head++] as Queued;
    if (q.head === q.items.length) q.items.length = q.head = 0;
    return item;
  }

  private taken(packet: DataPacket): DataPacket {
    this.bytes -= packet.bytes.length;
    this.count--;
    return packet;
  }

  /** Queues a packet in its class with its SFQ start tag. */
  private tag(packet: DataPacket, trafficClass: string): void {
    let q = this.classes.get(trafficClass);
    if (!q) {
      q = { weight: this.weights[trafficClass] ?? 1, rank: this.rankOf(trafficClass), items: [], head: 0, lastFinish: 0 };
      this.classes.set(trafficClass, q);
    }
    const start = Math.max(this.virtualTime, q.lastFinish);
    q.lastFinish = start + packet.bytes.length / q.weight;
    q.items.push({ packet, start });
  }
}
