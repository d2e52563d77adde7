/**
 * The information frame an encoder writes first: a valid Layer III frame with no audio whose main data starts with
 * a Xing header (`"Xing"` for VBR, `"Info"` for CBR, as LAME and ffmpeg write it, right after the side information)
 * or a Fraunhofer VBRI header (`"VBRI"` 32 bytes after the header). Decoders skip it; so does the splitter.
 */

import { CRC_BYTES, HEADER_BYTES, type Mp3Header } from '../../../services/rtp/wire/mp3-header.ts';

/** Where a VBRI header starts in its frame. */
const VBRI_OFFSET = HEADER_BYTES + 32;

/** Whether the 4 bytes at `at` are `tag` (ASCII). */
function tagged(bytes: Uint8Array, at: number, tag: string): boolean {
  for (let i = 0; i < 4; i++) if (bytes[at + i] !== tag.charCodeAt(i)) return false;
  return true;
}

/** Whether the frame of `header` and `frameBytes` bytes at `bytes[offset]` is a Xing, Info or VBRI frame. */
export function isInfoFrame(bytes: Uint8Array, offset: number, header: Mp3Header, frameBytes: number): boolean {
  const xing = offset + HEADER_BYTES + (header.crc ? CRC_BYTES : 0) + header.sideInfoBytes;
  if (xing + 4 <= offset + frameBytes && (tagged(bytes, xing, 'Xing') || tagged(bytes, xing, 'Info'))) return true;
  return VBRI_OFFSET + 4 <= frameBytes && tagged(bytes, offset + VBRI_OFFSET, 'VBRI');
}
