/** A built-in test source: sends sequence-numbered packets of a fixed size at a fixed rate on one channel. */

/** Options of a test source. */
export interface TestSourceOptions {
  /** The channel it sends on. */
  readonly channel: number;
  /** Packets per second (default 50). */
  readonly packetsPerSecond?: number;
  /** Payload bytes per packet (default 100). */
  readonly payloadBytes?: number;
  /** Stop after this many packets (default: never). */
  readonly count?: number;
}

/** Most packets sent in one timer tick, so a stalled event loop does not answer with a burst. */
const MAX_BURST = 1000;

/** Starts sending; returns a function that stops it. `send` gets each payload (its first 4 bytes: the count). */
export function startTestSource(options: TestSourceOptions, send: (channel: number, payload: Uint8Array) => void): () => void {
  const rate = options.packetsPerSecond ?? 50;
  const size = Math.max(4, options.payloadBytes ?? 100);
  const started = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(Math.floor(((performance.now() - started) * rate) / 1000), options.count ?? Infinity);
    for (let k = 0; k < MAX_BURST && sent < due; k++, sent++) {
      const payload = Buffer.alloc(size);
      payload.writeUInt32BE(sent >>> 0, 0);
      send(options.channel, payload);
    }
    if (options.count !== undefined && sent >= options.count) clearInterval(timer);
  }, Math.max(1, Math.min(20, 1000 / rate)));
  return () => clearInterval(timer);
}
