/** An indexed binary min-heap of items 0..capacity-1 keyed by a float; equal keys pop the smaller item first. */
export class IndexedMinHeap {
  private readonly heap: Int32Array; // heap position -> item
  private readonly position: Int32Array; // item -> heap position, -1 when absent
  private readonly key: Float64Array; // item -> current key
  private count = 0;

  /** Creates an empty heap able to hold items 0..capacity-1. */
  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
    this.key = new Float64Array(capacity);
  }

  /** Number of items currently queued. */
  get size(): number {
    return this.count;
  }

  /** True when the item is currently queued. */
  has(item: number): boolean {
    return this.position[item]! >= 0;
  }

  /** Queues the item with the key, or lowers its key if queued; a key that is not lower is ignored. */
  pushOrDecrease(item: number, key: number): void {
    const pos = this.position[item]!;
    if (pos < 0) {
      this.key[item] = key;
      this.heap[this.count] = item;
      this.position[item] = this.count;
      this.siftUp(this.count++);
    } else if (key < this.key[item]!) {
      this.key[item] = key;
      this.siftUp(pos);
    }
  }

  /** Removes and returns the item with the smallest (key, item); -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.heap[0]!;
    this.position[top] = -1;
    this.count--;
    if (this.count > 0) {
      const last = this.heap[this.count]!;
      this.heap[0] = last;
      this.position[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  /** Empties the heap in O(size). */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.position[this.heap[i]!] = -1;
    this.count = 0;
  }

  private before(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private siftUp(pos: number): void {
    const heap = this.heap;
    const item = heap[pos]!;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = heap[parentPos]!;
      if (!this.before(item, parent)) break;
      heap[pos] = parent;
      this.position[parent] = pos;
      pos = parentPos;
    }
    heap[pos] = item;
    this.position[item] = pos;
  }

  private siftDown(pos: number): void {
    const heap = this.heap;
    const item = heap[pos]!;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= this.count) break;
      const right = child + 1;
      if (right < this.count && this.before(heap[right]!, heap[child]!)) child = right;
      const childItem = heap[child]!;
      if (!this.before(childItem, item)) break;
      heap[pos] = childItem;
      this.position[childItem] = pos;
      pos = child;
    }
    heap[pos] = item;
    this.position[item] = pos;
  }
}
