/** A first-in first-out queue with O(1) push and shift (an array and a head index, compacted when drained). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  /** Items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++] as T;
    if (this.head === this.items.length) this.items.length = this.head = 0;
    return item;
  }

  /** Forgets every item. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
