/**
 * The per-link transmission scheduler (paper 5.2): every packet a module sends on a link waits here until the
 * link can take it. Start-time fair queuing (Goyal et al.) across traffic classes: each class gets link time in
 * proportion to its weight, and a class alone on the link gets all of it. A flat SFQ over classes is the
 * hierarchy's top level; a module that needs more levels gives its classes names like `rtp/base`.
 */

import { Fifo } from '../core/fifo.ts';
import type { DataPacket } from '../session/data-header.ts';

/** The class of packets sent without one. */
export const DEFAULT_CLASS = 'default';

/** Options of a link scheduler. */
export interface SchedulerOptions {
  /** Most bytes queued on the link before new packets are dropped (default 4 MiB). */
  readonly maxQueueBytes?: number;
  /** Weight of each named class (default 1 for any class not listed). */
  readonly weights?: Readonly<Record<string, number>>;
}

interface Queued {
  readonly packet: DataPacket;
  readonly start: number;
}

interface ClassQueue {
  readonly weight: number;
  readonly items: Queued[];
  head: number;
  /** Finish tag of the last packet enqueued. */
  lastFinish: number;
}

/** SFQ over traffic classes, with a byte cap on the whole link. */
export class LinkScheduler {
  private readonly maxQueueBytes: number;
  private readonly weights: Readonly<Record<string, number>>;
  private readonly classes = new Map<string, ClassQueue>();
  /** Packets of the default class while no other class is in use: plain FIFO, no tags (the common case). */
  private readonly plain = new Fifo<DataPacket>();
  private virtualTime = 0;
  private bytes = 0;
  private count = 0;

  constructor(options: SchedulerOptions = {}) {
    this.maxQueueBytes = options.maxQueueBytes ?? 4 * 1024 * 1024;
    this.weights = options.weights ?? {};
  }

  /** Bytes waiting. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Packets waiting. */
  get length(): number {
    return this.count;
  }

  /** Queues a packet; false (and nothing queued) when the link's queue is full. */
  enqueue(packet: DataPacket, trafficClass: string = DEFAULT_CLASS): boolean {
    const size = packet.bytes.length;
    if (this.bytes + size > this.maxQueueBytes) return false;
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

  /** Queues a packet in its class with its SFQ start tag. */
  private tag(packet: DataPacket, trafficClass: string): void {
    let q = this.classes.get(trafficClass);
    if (!q) {
      q = { weight: this.weights[trafficClass] ?? 1, items: [], head: 0, lastFinish: 0 };
      this.classes.set(trafficClass, q);
    }
    const start = Math.max(this.virtualTime, q.lastFinish);
    q.lastFinish = start + packet.bytes.length / q.weight;
    q.items.push({ packet, start });
  }

  /** The next packet to send: the smallest start tag across classes (FIFO within a class). */
  dequeue(): DataPacket | undefined {
    if (this.count === 0) return undefined;
    const plain = this.plain.shift();
    if (plain) {
      this.bytes -= plain.bytes.length;
      this.count--;
      return plain;
    }
    let best: ClassQueue | undefined;
    let bestStart = Infinity;
    for (const q of this.classes.values()) {
      const head = q.items[q.head];
      if (head && head.start < bestStart) {
        best = q;
        bestStart = head.start;
      }
    }
    const q = best as ClassQueue;
    const item = q.items[q.head++] as Queued;
    if (q.head === q.items.length) q.items.length = q.head = 0;
    this.virtualTime = item.start;
    this.bytes -= item.packet.bytes.length;
    this.count--;
    return item.packet;
  }

  /** Drops everything queued (the link went away). */
  clear(): void {
    this.classes.clear();
    this.plain.clear();
    this.bytes = this.count = 0;
  }
}
