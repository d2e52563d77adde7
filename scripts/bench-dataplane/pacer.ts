/**
 * Sources of the bench: a paced one (every 1 ms timer tick it sends the packets due by then, in one burst) and
 * a saturating one (writes while socket.write returns true, goes on at 'drain').
 */

import type { Socket } from 'node:net';
import type { PacketTemplate } from './wire.ts';
import { wallMs } from './util.ts';

/** Most packets in one burst by default: after a longer stall the pacer skips ahead rather than burst. */
const MAX_BURST = 100;

/** A running source. */
export interface Source {
  /** The next sequence number it will send. */
  readonly nextSeq: number;
  /** Packets and bytes handed to the socket so far. */
  readonly sent: number;
  readonly bytes: number;
  stop(): void;
}

/**
 * Sends `rate` packets/s: every 1 ms, the packets due since the start, stamped with the time of sending.
 * `send(count, firstSeq, tsMs)` writes them (one write per burst on TCP). After a stall of this process, at most
 * `maxBurst` packets catch up (the rest are skipped: the achieved rate then falls short of `rate`).
 */
export function startPaced(
  rate: number,
  firstSeq: number,
  send: (count: number, firstSeq: number, tsMs: number) => number,
  maxBurst = MAX_BURST,
): Source {
  const t0 = performance.now();
  let due0 = 0;
  const c: Counts = { seq: firstSeq, sent: 0, bytes: 0 };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) * rate) / 1000) - due0;
    let burst = due - c.sent;
    if (burst > maxBurst) {
      due0 += burst - maxBurst;
      burst = maxBurst;
    }
    if (burst <= 0) return;
    c.bytes += send(burst, c.seq, wallMs());
    c.seq = (c.seq + burst) >>> 0;
    c.sent += burst;
  }, 1);
  return sourceOf(c, () => clearInterval(timer));
}

/** What a source has sent so far. */
interface Counts {
  seq: number;
  sent: number;
  bytes: number;
}

/** A Source reading live counts. */
function sourceOf(c: Counts, stop: () => void): Source {
  return {
    get nextSeq() {
      return c.seq;
    },
    get sent() {
      return c.sent;
    },
    get bytes() {
      return c.bytes;
    },
    stop,
  };
}

/** Paced packets on a TCP data connection, one write per burst. */
export function startPacedTcp(socket: Socket, template: PacketTemplate, rate: number, firstSeq: number): Source {
  return startPaced(rate, firstSeq, (count, seq, ts) => {
    socket.write(template.frames(count, seq, ts));
    return count * template.bytes.length;
  });
}

/** Bytes of packets per write of the saturating source. */
const BATCH_BYTES = 64 * 1024;
/** Most writes in one turn of the event loop before yielding. */
const WRITES_PER_TURN = 64;

/** Writes as fast as TCP backpressure allows: batches of ~64 KiB while write() returns true, more on 'drain'. */
export function startSaturating(socket: Socket, template: PacketTemplate, firstSeq: number): Source {
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / (4 + template.bytes.length)));
  const c: Counts = { seq: firstSeq, sent: 0, bytes: 0 };
  let running = true;
  let immediate: NodeJS.Immediate | undefined;
  const go = (): void => {
    immediate = undefined;
    for (let k = 0; running && k < WRITES_PER_TURN; k++) {
      const b = template.frames(perBatch, c.seq, wallMs());
      c.seq = (c.seq + perBatch) >>> 0;
      c.sent += perBatch;
      c.bytes += perBatch * template.bytes.length;
      if (!socket.write(b)) return;
    }
    if (running) immediate = setImmediate(go);
  };
  socket.on('drain', go);
  go();
  return sourceOf(c, () => {
    running = false;
    socket.off('drain', go);
    if (immediate) clearImmediate(immediate);
  });
}
