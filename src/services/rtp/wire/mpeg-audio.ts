/**
 * The 4-byte MPEG audio frame header (ISO 11172-3, 13818-3, and the MPEG 2.5 extension), read only as far as the
 * MPA depacketizer needs it: where a frame ends. Free-format frames (bitrate index 0) carry no length and are not
 * read. The frame's body is never looked at.
 */

/** What a frame header says of its frame. */
export interface MpegAudioFrame {
  /** The whole frame, header included, bytes. */
  readonly frameBytes: number;
  /** PCM samples per channel the frame decodes to. */
  readonly samples: number;
  /** Sample rate, Hz. */
  readonly sampleRate: number;
  /** Bitrate, kbit/s. */
  readonly bitrateKbps: number;
}

/** Bitrates of bitrate index 1..14, kbit/s: MPEG-1 layers I, II, III, then MPEG-2/2.5 layer I, then layers II and III. */
const BITRATES: readonly (readonly number[])[] = [
  [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

/** MPEG-1 sample rates of index 0..2, Hz; MPEG-2 halves them, MPEG-2.5 quarters them. */
const MPEG1_RATES = [44100, 48000, 32000];

/** The frame whose header starts at `bytes[at]`, or undefined: no sync, a reserved field, free format, or cut. */
export function mpegAudioFrame(bytes: Uint8Array, at = 0): MpegAudioFrame | undefined {
  if (bytes.length - at < 4) return undefined;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 3; // 0 MPEG-2.5, 1 reserved, 2 MPEG-2, 3 MPEG-1
  const layer = 4 - ((b1 >> 1) & 3); // 1..3; 4 is reserved
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const mpeg1 = version === 3;
  const table = mpeg1 ? layer - 1 : layer === 1 ? 3 : 4;
  const bitrateKbps = BITRATES[table]![bitrateIndex - 1]!;
  const sampleRate = MPEG1_RATES[rateIndex]! / (mpeg1 ? 1 : version === 2 ? 2 : 4);
  const padding = (b2 >> 1) & 1;
  if (layer === 1) return { frameBytes: (Math.floor((12000 * bitrateKbps) / sampleRate) + padding) * 4, samples: 384, sampleRate, bitrateKbps };
  const samples = layer === 3 && !mpeg1 ? 576 : 1152;
  return { frameBytes: Math.floor((samples * 125 * bitrateKbps) / sampleRate) + padding, samples, sampleRate, bitrateKbps };
}
