/**
 * The explicit loss report a reliable module delivers to its local clients, in the stream, where the packets it
 * gave up on would have been: the guarantee is that a client gets every packet of a source, or a report naming
 * the ones it will never get. It is a data packet of the same channel and source SCX whose `source` is the
 * reserved `LOSS_SOURCE` (an SCX stamps a client's packets `name@address:port`, never the bare `!loss`), whose
 * `seq` is the first lost seq and whose payload is `[reason u8][count u32]` (big-endian): seqs `seq`, ...,
 * `seq + count - 1` (mod 2^32) are lost. Its timestamp is when the reporting SCX gave up, ms on its clock. A
 * report is only ever delivered locally, never sent on a link; the module drops a data packet from the network
 * that claims the reserved source (`malformed`).
 */

import { decodeWith, DecodeError, ByteWriter } from '../../core/bytes.ts';
import { WireCode, type Decoded } from '../../core/decoded.ts';
import type { Millis } from '../../core/time.ts';
import { SESSION_ID_BYTES, encodeDataPacket, payloadOf, type DataPacket } from '../../session/data-header.ts';

/** The `source` of a loss report packet. */
export const LOSS_SOURCE = '!loss';

/**
 * Why packets were given up: `retries` (NACKed `maxNacks` times without a repair), `unavailable` (no SCX upstream
 * caches them any more), `overflow` (too many packets waited behind gaps), `jump` (a hole over `maxGapPackets`, or the
 * source restarted its numbering).
 */
export type LossReason = 'retries' | 'unavailable' | 'overflow' | 'jump';

const REASONS: readonly LossReason[] = ['retries', 'unavailable', 'overflow', 'jump'];

/** A decoded loss report. */
export interface LossReport {
  /** The source SCX of the stream that lost packets. */
  readonly sourceScx: string;
  /** The first lost sequence number. */
  readonly first: number;
  /** How many consecutive sequence numbers are lost, 1..2^32-1. */
  readonly count: number;
  readonly reason: LossReason;
}

/** What a report is stamped with besides the loss: the stream's session id (zeros when unknown), channel, time (ms). */
export interface LossStamp {
  readonly sessionId: Uint8Array | undefined;
  readonly channel: number;
  readonly now: Millis;
}

const writer = new ByteWriter(8);

/** The packet reporting `loss`; throws RangeError on a count outside 1..2^32-1 or a header that cannot be encoded. */
export function encodeLossReport(loss: LossReport, stamp: LossStamp): DataPacket {
  if (!(loss.count >= 1 && loss.count <= 0xffffffff)) throw new RangeError(`loss count out of bounds: ${loss.count}`);
  writer.reset();
  writer.u8(REASONS.indexOf(loss.reason));
  writer.u32(loss.count);
  const sessionId = stamp.sessionId ?? new Uint8Array(SESSION_ID_BYTES);
  const header = { sessionId, channel: stamp.channel, seq: loss.first, timestampMs: stamp.now, source: LOSS_SOURCE, sourceScx: loss.sourceScx };
  return encodeDataPacket(header, writer.finish());
}

/** Whether `packet` claims to be a loss report (its source is `LOSS_SOURCE`). */
export function isLossReport(packet: DataPacket): boolean {
  return packet.header.source === LOSS_SOURCE;
}

/** Reads a loss report out of a packet that `isLossReport`. Never throws: a bad payload is refused with its WireCode. */
export function decodeLossReport(packet: DataPacket): Decoded<LossReport> {
  return decodeWith(payloadOf(packet), (r) => {
    const code = r.u8();
    const reason = REASONS[code];
    if (reason === undefined) throw new DecodeError(WireCode.RANGE, `unknown loss reason ${code}`);
    const count = r.u32();
    if (count === 0) throw new DecodeError(WireCode.RANGE, 'a loss report of no packet');
    r.end('loss report');
    return { sourceScx: packet.header.sourceScx, first: packet.header.seq, count, reason };
  });
}
