/** Running totals per key (a peer, a client) and their rates over the last tick, for the dashboard. */

/** A key's totals, and its rates over the last tick. */
export interface Rate {
  packets: number;
  bytes: number;
  packetsPerS: number;
  bytesPerS: number;
}

/** Totals and per-second rates of many keys; `tick` once a second. */
export class RateMeter {
  private readonly entries = new Map<string, Rate & { lastPackets: number; lastBytes: number }>();
  private lastTick = performance.now();

  /** Counts `packets` packets of `bytes` bytes in all under `key`. */
  add(key: string, packets: number, bytes: number): void {
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { packets: 0, bytes: 0, packetsPerS: 0, bytesPerS: 0, lastPackets: 0, lastBytes: 0 }));
    e.packets += packets;
    e.bytes += bytes;
  }

  /** Turns what was counted since the last tick into rates; a key idle for a whole tick is forgotten. */
  tick(now = performance.now()): void {
    const seconds = Math.max(1e-3, (now - this.lastTick) / 1000);
    this.lastTick = now;
    for (const [key, e] of this.entries) {
      if (e.packets === e.lastPackets && e.packetsPerS === 0) {
        this.entries.delete(key);
        continue;
      }
      e.packetsPerS = (e.packets - e.lastPackets) / seconds;
      e.bytesPerS = (e.bytes - e.lastBytes) / seconds;
      e.lastPackets = e.packets;
      e.lastBytes = e.bytes;
    }
  }

  get(key: string): Rate | undefined {
    return this.entries.get(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}
