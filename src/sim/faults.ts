import type { Random } from '../core/random.ts';

/** The simulator's fault API: message loss, partitions and crashes, by SCX index. */
export class Faults {
  private lossRate = 0;
  private readonly groupOf = new Map<number, number>();
  private readonly crashed = new Set<number>();

  /** Every message is lost with probability `rate` (0 to 1). */
  setLoss(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`loss rate must be in [0, 1], got ${rate}`);
    this.lossRate = rate;
  }

  /** Cuts the network into `groups`: messages between SCXs of different groups are dropped. Unlisted SCXs form one more group. */
  partition(groups: readonly (readonly number[])[]): void {
    this.groupOf.clear();
    groups.forEach((g, k) => g.forEach((i) => this.groupOf.set(i, k + 1)));
  }

  /** Removes the partition. */
  healPartition(): void {
    this.groupOf.clear();
  }

  /** The SCX stops: it neither sends nor receives again. */
  crash(i: number): void {
    this.crashed.add(i);
  }

  /** Whether the SCX has crashed. */
  isCrashed(i: number): boolean {
    return this.crashed.has(i);
  }

  /** Whether a message from `from` to `to` is lost. */
  drops(from: number, to: number, rng: Random): boolean {
    if (this.crashed.has(to) || this.crashed.has(from)) return true;
    if (this.groupOf.size > 0 && (this.groupOf.get(from) ?? 0) !== (this.groupOf.get(to) ?? 0)) return true;
    return this.lossRate > 0 && rng.next() < this.lossRate;
  }
}
