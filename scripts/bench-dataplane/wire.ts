/**
 * The node-to-node wire as the fake peers speak it, built from the project's own encoders: hello frames,
 * GOSSAMER control frames carrying codec-encoded messages, and data packets from encodeDataPacket.
 * Data packets are built once per (session, size) with encodeDataPacket; each send copies that template and
 * patches the sequence number and timestamp at their fixed header offsets (cheap enough for line rate).
 */

import { gossamerFrame } from '../../src/net/control-frame.ts';
import { encodeFrames } from '../../src/net/frame-decoder.ts';
import { encodeHello, type Hello } from '../../src/net/hello.ts';
import { decodeDataPacket, encodeDataPacket } from '../../src/session/data-header.ts';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import type { Message } from '../../src/gossamer/wire/messages.ts';
import { UdpType } from '../../src/net/udp-endpoint.ts';

/** Offsets in a data packet (see src/session/data-header.ts): seq u32 and timestampMs f64. */
const SEQ_AT = 19;
const TS_AT = 23;
/** Bytes of a packet's header the sinks need to look at (version, session, channel, seq, timestamp). */
export const HEAD_BYTES = 31;

/** A hello as one length-prefixed frame. */
export function helloFrame(h: Hello): Buffer {
  return encodeFrames([encodeHello(h)]);
}

/** A Gossamer message of a session as one length-prefixed control frame. */
export function gossamerControlFrame(sessionId: Uint8Array, msg: Message): Buffer {
  return encodeFrames([gossamerFrame(sessionId, encodeMessage(msg))]);
}

/** Data packets of one session and channel from one source SCX, all of one payload size. */
export class PacketTemplate {
  readonly bytes: Buffer;

  constructor(sessionId: Uint8Array, channel: number, sourceScx: string, payloadBytes: number) {
    const payload = Buffer.alloc(payloadBytes, 0xa5);
    const p = encodeDataPacket({ sessionId, channel, seq: 0, timestampMs: 0, source: 'bench-source', sourceScx }, payload);
    this.bytes = Buffer.from(p.bytes);
    // The patched copies must decode as what they claim to be.
    const probe = Buffer.from(this.bytes);
    probe.writeUInt32BE(123456, SEQ_AT);
    probe.writeDoubleBE(4242.5, TS_AT);
    const back = decodeDataPacket(probe);
    if (!back.ok || back.value.header.seq !== 123456 || back.value.header.timestampMs !== 4242.5 || back.value.header.sourceScx !== sourceScx) {
      throw new Error('data packet template does not round-trip through decodeDataPacket');
    }
  }

  /** `count` length-prefixed packets with sequence numbers from `firstSeq`, all stamped `tsMs`, in one buffer. */
  frames(count: number, firstSeq: number, tsMs: number): Buffer {
    const len = this.bytes.length;
    const out = Buffer.allocUnsafe(count * (4 + len));
    for (let i = 0, o = 0; i < count; i++, o += 4 + len) {
      out.writeUInt32BE(len, o);
      this.bytes.copy(out, o + 4);
      out.writeUInt32BE((firstSeq + i) >>> 0, o + 4 + SEQ_AT);
      out.writeDoubleBE(tsMs, o + 4 + TS_AT);
    }
    return out;
  }

  /** One UDP DATA datagram: the type byte and one packet. */
  datagram(seq: number, tsMs: number): Buffer {
    const out = Buffer.allocUnsafe(1 + this.bytes.length);
    out[0] = UdpType.DATA;
    this.bytes.copy(out, 1);
    out.writeUInt32BE(seq >>> 0, 1 + SEQ_AT);
    out.writeDoubleBE(tsMs, 1 + TS_AT);
    return out;
  }
}

/** Reads seq and timestamp of a packet starting at `at` in `b`. */
export function packetHead(b: Buffer, at: number): { seq: number; tsMs: number } {
  return { seq: b.readUInt32BE(at + SEQ_AT), tsMs: b.readDoubleBE(at + TS_AT) };
}

/** Called for every packet of a stream: its length (header and payload), seq and timestamp. */
export type PacketListener = (bytes: number, seq: number, tsMs: number) => void;

/**
 * Walks a stream of length-prefixed data packets without copying it: per frame it reads only the length and
 * the first HEAD_BYTES of the packet (gathered across chunk boundaries when split).
 */
export class PacketStream {
  private readonly lenBuf = Buffer.alloc(4);
  private lenHave = 0;
  private left = 0;
  private bodyLen = 0;
  private readonly head = Buffer.alloc(HEAD_BYTES);
  private headHave = HEAD_BYTES;

  constructor(private readonly onPacket: PacketListener) {}

  push(chunk: Buffer): void {
    const n = chunk.length;
    let p = 0;
    while (p < n) {
      if (this.left === 0) {
        if (this.lenHave === 0 && n - p >= 4) {
          this.bodyLen = chunk.readUInt32BE(p);
          p += 4;
        } else {
          while (this.lenHave < 4 && p < n) this.lenBuf[this.lenHave++] = chunk[p++] as number;
          if (this.lenHave < 4) return;
          this.bodyLen = this.lenBuf.readUInt32BE(0);
          this.lenHave = 0;
        }
        this.left = this.bodyLen;
        this.headHave = 0;
        if (this.left === 0) continue;
        if (this.left >= HEAD_BYTES && n - p >= HEAD_BYTES) {
          this.emit(chunk, p);
          this.headHave = HEAD_BYTES;
        }
      }
      const take = Math.min(this.left, n - p);
      if (this.headHave < HEAD_BYTES) {
        const k = Math.min(HEAD_BYTES - this.headHave, take);
        chunk.copy(this.head, this.headHave, p, p + k);
        this.headHave += k;
        if (this.headHave === HEAD_BYTES) this.emit(this.head, 0);
      }
      p += take;
      this.left -= take;
    }
  }

  private emit(b: Buffer, at: number): void {
    this.onPacket(this.bodyLen, b.readUInt32BE(at + SEQ_AT), b.readDoubleBE(at + TS_AT));
  }
}
