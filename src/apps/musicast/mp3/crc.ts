/**
 * The CRC-16 of a protected Layer III frame (ISO/IEC 11172-3 2.4.3.1): generator x^16 + x^15 + x^2 + 1 (0x8005),
 * register preset to 0xffff, over the header's last two bytes and then the side information; stored big-endian in
 * the two bytes after the header.
 */

import { CRC_BYTES, HEADER_BYTES, type Mp3Header } from '../../../services/rtp/wire/mp3-header.ts';

/** The CRC a protected frame of `header` should carry; `frame` holds at least the header, 2 CRC bytes and the side information. */
export function layer3Crc(frame: Uint8Array, header: Pick<Mp3Header, 'sideInfoBytes'>): number {
  let crc = 0xffff;
  const feed = (byte: number): void => {
    for (let bit = 7; bit >= 0; bit--) {
      const top = ((crc >> 15) ^ (byte >> bit)) & 1;
      crc = ((crc << 1) & 0xffff) ^ (top ? 0x8005 : 0);
    }
  };
  feed(frame[2] ?? 0);
  feed(frame[3] ?? 0);
  const sideInfo = HEADER_BYTES + CRC_BYTES;
  for (let i = sideInfo; i < sideInfo + header.sideInfoBytes; i++) feed(frame[i] ?? 0);
  return crc;
}
