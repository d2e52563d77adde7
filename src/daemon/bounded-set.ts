/** A set of at most `max` strings: past it, the oldest added is forgotten first (a cache of verified things). */
export class BoundedSet {
  private readonly keys = new Set<string>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    if (this.keys.size >= this.max) this.keys.delete(this.keys.values().next().value as string);
    this.keys.add(key);
  }

  /** Keys held now. */
  get size(): number {
    return this.keys.size;
  }
}
