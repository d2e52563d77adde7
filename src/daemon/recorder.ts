import { createWriteStream, type WriteStream } from 'node:fs';
import type { DataPacket } from '../session/data-header.ts';
import { wallClockMs } from './clock.ts';

/**
 * Writes every packet a session delivers at this node as one JSON line:
 * `{ ch, scx, src, seq, bytes, sentMs, recvMs }` (wall-clock ms). For tests and for watching a session.
 */
export class Recorder {
  private readonly out: WriteStream;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
  }

  /** Records one delivered packet. */
  record(channel: number, p: DataPacket): void {
    const h = p.header;
    this.out.write(
      `{"ch":${channel},"scx":${JSON.stringify(h.sourceScx)},"src":${JSON.stringify(h.source)},"seq":${h.seq},"bytes":${p.bytes.length - p.payloadOffset},"sentMs":${h.timestampMs},"recvMs":${wallClockMs()}}\n`,
    );
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }
}
