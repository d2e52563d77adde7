/**
 * Just enough MP3 for the bench: recognising a Layer III frame header (the listeners' "first frame" clock) and
 * cutting an encoded file into frames (the marker source). No decoding.
 */

/** Bitrates of MPEG-1 Layer III by index, kbit/s (0 free format, 15 invalid: both refused here). */
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
/** Bitrates of MPEG-2/2.5 Layer III by index, kbit/s. */
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
/** Sample rates of MPEG-1 by index, Hz (MPEG-2 halves them, MPEG-2.5 quarters them). */
const RATES_V1 = [44100, 48000, 32000];

/** Whether the 4 bytes at `buf[i..i+4)` are a valid MPEG 1/2/2.5 Layer III frame header (sync, version, layer, bitrate, rate, emphasis). */
export function isLayer3Header(buf: Uint8Array, i: number): boolean {
  if (i < 0 || i + 4 > buf.length) return false;
  const b1 = buf[i + 1] as number;
  const b2 = buf[i + 2] as number;
  const b3 = buf[i + 3] as number;
  return (
    buf[i] === 0xff &&
    (b1 & 0xe0) === 0xe0 &&
    ((b1 >> 3) & 3) !== 1 && // reserved version
    ((b1 >> 1) & 3) === 1 && // Layer III
    b2 >> 4 !== 0 && // free format: no length to check
    b2 >> 4 !== 15 &&
    ((b2 >> 2) & 3) !== 3 && // reserved sample rate
    (b3 & 3) !== 2 // reserved emphasis
  );
}

/** Sample rate of a frame from its header's bytes 1 and 2, Hz. */
function rateHz(b1: number, b2: number): number {
  const version = (b1 >> 3) & 3;
  return (RATES_V1[(b2 >> 2) & 3] as number) / (version === 3 ? 1 : version === 2 ? 2 : 4);
}

/** Length in bytes of the Layer III frame whose (valid) header is at `buf[i]`. */
export function layer3FrameBytes(buf: Uint8Array, i: number): number {
  const b1 = buf[i + 1] as number;
  const b2 = buf[i + 2] as number;
  const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[b2 >> 4] as number;
  const rate = rateHz(b1, b2);
  const padding = (b2 >> 1) & 1;
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding;
}

/** Duration of the Layer III frame whose header is at `buf[i]`, s: 1152 samples (MPEG-1) or 576 (MPEG-2/2.5) at its rate. */
export function layer3FrameSeconds(buf: Uint8Array, i: number): number {
  const b1 = buf[i + 1] as number;
  return (((b1 >> 3) & 3) === 3 ? 1152 : 576) / rateHz(b1, buf[i + 2] as number);
}

/**
 * The consecutive frames of an encoded stream: from the first header that is followed by another header exactly
 * one frame later, to the last whole frame. Bytes that are not frames (an ID3v2 tag) are skipped; at most `maxFrames`.
 */
export function splitFrames(buf: Uint8Array, maxFrames = 100_000): Buffer[] {
  const frames: Buffer[] = [];
  let i = 0;
  while (i + 4 <= buf.length && !(isLayer3Header(buf, i) && isLayer3Header(buf, i + layer3FrameBytes(buf, i)))) i++;
  while (frames.length < maxFrames && isLayer3Header(buf, i)) {
    const n = layer3FrameBytes(buf, i);
    if (i + n > buf.length) break;
    frames.push(Buffer.from(buf.subarray(i, i + n)));
    i += n;
  }
  return frames;
}
