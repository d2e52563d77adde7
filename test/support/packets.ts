import { encodeDataPacket, type DataPacket } from '../../src/session/data-header.ts';

/** A data packet with `size` payload bytes and sequence number `seq` (channel 1, a zero session id). */
export function sizedPacket(seq: number, size: number, source = 's'): DataPacket {
  const header = { sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source, sourceScx: 'x:1' };
  return encodeDataPacket(header, new Uint8Array(size));
}
