/**
 * The 4-byte header of an MPEG-1, MPEG-2 (LSF) or MPEG-2.5 Layer III frame (ISO/IEC 11172-3 2.4.1.3,
 * ISO/IEC 13818-3 2.4.1.3; MPEG-2.5 is Fraunhofer's extension to 8-12 kHz). Layout, bit 31 first:
 * `sync(11) = 0x7ff, version(2), layer(2), protection_bit(1), bitrate_index(4), sampling_frequency(2),
 * padding_bit(1), private_bit(1), mode(2), mode_extension(2), copyright(1), original(1), emphasis(2)`.
 */

/** The MPEG audio version of a frame. */
export type Mp3Version = '1' | '2' | '2.5';

/** The channel mode of a frame. */
export type Mp3ChannelMode = 'stereo' | 'joint' | 'dual' | 'mono';

/** A parsed Layer III frame header. */
export interface Mp3Header {
  readonly version: Mp3Version;
  readonly layer: 3;
  /** kbit/s; 0 = free format (the length is found from the distance to the next frame). */
  readonly bitrateKbps: number;
  /** Hz. */
  readonly sampleRate: number;
  /** One extra byte (a slot) at the end of this frame. */
  readonly padding: boolean;
  /** A 16-bit CRC follows the header (protection_bit 0). */
  readonly crc: boolean;
  readonly channelMode: Mp3ChannelMode;
  readonly channels: 1 | 2;
  /** PCM samples per channel this frame decodes to: 1152 (MPEG-1) or 576 (MPEG-2, 2.5). */
  readonly samplesPerFrame: number;
  /** Bytes of the whole frame, header included; 0 for free format. */
  readonly frameBytes: number;
  /** Bytes of the side information after the header (and CRC): 17/32 (MPEG-1), 9/17 (MPEG-2, 2.5), mono/other. */
  readonly sideInfoBytes: number;
}

/** Bytes of a frame header. */
export const HEADER_BYTES = 4;

/** Bytes of the CRC that follows the header of a protected frame. */
export const CRC_BYTES = 2;

/** The largest fixed-bitrate Layer III frame: 320 kbit/s at 32 kHz (MPEG-1) or 160 kbit/s at 8 kHz (2.5), padded. */
export const MAX_FIXED_FRAME_BYTES = 1441;

/** Layer III bitrates in kbit/s by bitrate_index 0..14 (0: free format); index 15 is forbidden. */
const BITRATES: Readonly<Record<Mp3Version, readonly number[]>> = {
  '1': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2.5': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};

/** Sample rates in Hz by sampling_frequency 0..2; 3 is reserved. */
const SAMPLE_RATES: Readonly<Record<Mp3Version, readonly number[]>> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

/** The version field's values (01 is reserved). */
const VERSION_BITS: Readonly<Record<Mp3Version, number>> = { '2.5': 0, '2': 2, '1': 3 };
const VERSIONS: readonly (Mp3Version | undefined)[] = ['2.5', undefined, '2', '1'];
const MODES: readonly Mp3ChannelMode[] = ['stereo', 'joint', 'dual', 'mono'];

/** The layer field of Layer III. */
const LAYER_3_BITS = 1;

/** The emphasis value the standard reserves. */
const EMPHASIS_RESERVED = 2;

/** The Layer III bitrates (kbit/s, free format's 0 first) of `version`, by bitrate_index. */
export function layer3Bitrates(version: Mp3Version): readonly number[] {
  return BITRATES[version];
}

/** The sample rates (Hz) of `version`, by sampling_frequency index. */
export function sampleRates(version: Mp3Version): readonly number[] {
  return SAMPLE_RATES[version];
}

/** Bytes of a Layer III frame's side information for `version` and channel count. */
export function sideInfoBytes(version: Mp3Version, channels: 1 | 2): number {
  if (version === '1') return channels === 1 ? 17 : 32;
  return channels === 1 ? 9 : 17;
}

/** Bytes of a frame of `bitrateKbps` (> 0) at `sampleRate` Hz: 144 (MPEG-1) or 72 (LSF) × bitrate / rate, plus the pad slot. */
export function frameLength(version: Mp3Version, bitrateKbps: number, sampleRate: number, padding: boolean): number {
  const coefficient = version === '1' ? 144 : 72;
  return Math.floor((coefficient * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
}

/**
 * The Layer III header at `bytes[offset..offset+4)`, or undefined for anything else: too few bytes, no sync, the
 * reserved version, a layer other than III, bitrate_index 15, sampling_frequency 3 or emphasis 2. Never throws.
 */
export function parseMp3Header(bytes: Uint8Array, offset: number): Mp3Header | undefined {
  if (!Number.isInteger(offset) || offset < 0 || offset + HEADER_BYTES > bytes.length) return undefined;
  const b0 = bytes[offset] as number;
  const b1 = bytes[offset + 1] as number;
  const b2 = bytes[offset + 2] as number;
  const b3 = bytes[offset + 3] as number;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = VERSIONS[(b1 >> 3) & 3];
  if (version === undefined || ((b1 >> 1) & 3) !== LAYER_3_BITS) return undefined;
  const bitrateKbps = BITRATES[version][b2 >> 4];
  const sampleRate = SAMPLE_RATES[version][(b2 >> 2) & 3];
  if (bitrateKbps === undefined || sampleRate === undefined || (b3 & 3) === EMPHASIS_RESERVED) return undefined;
  const padding = (b2 & 2) !== 0;
  const channelMode = MODES[b3 >> 6] as Mp3ChannelMode;
  const channels = channelMode === 'mono' ? 1 : 2;
  return {
    version,
    layer: 3,
    bitrateKbps,
    sampleRate,
    padding,
    crc: (b1 & 1) === 0,
    channelMode,
    channels,
    samplesPerFrame: version === '1' ? 1152 : 576,
    frameBytes: bitrateKbps === 0 ? 0 : frameLength(version, bitrateKbps, sampleRate, padding),
    sideInfoBytes: sideInfoBytes(version, channels),
  };
}

/** Whether two headers can be frames of one stream: same version and sample rate (Layer III both), both free format or neither. */
export function sameStream(a: Mp3Header, b: Mp3Header): boolean {
  return a.version === b.version && a.sampleRate === b.sampleRate && (a.bitrateKbps === 0) === (b.bitrateKbps === 0);
}

/**
 * The four header bytes of a frame with these fields (private, mode extension, copyright, original, emphasis zero);
 * throws RangeError on a bitrate or sample rate not in the version's tables, or an unknown version or channel mode.
 */
export function headerBytes(h: Pick<Mp3Header, 'version' | 'bitrateKbps' | 'sampleRate' | 'padding' | 'crc' | 'channelMode'>): Uint8Array {
  const bitrateIndex = (BITRATES[h.version] as readonly number[] | undefined)?.indexOf(h.bitrateKbps) ?? -1;
  const rateIndex = (SAMPLE_RATES[h.version] as readonly number[] | undefined)?.indexOf(h.sampleRate) ?? -1;
  const mode = MODES.indexOf(h.channelMode);
  if (bitrateIndex < 0 || rateIndex < 0 || mode < 0) {
    throw new RangeError(`no MPEG-${h.version} Layer III header for ${h.bitrateKbps} kbit/s, ${h.sampleRate} Hz, ${h.channelMode}`);
  }
  return Uint8Array.of(
    0xff,
    0xe0 | (VERSION_BITS[h.version] << 3) | (LAYER_3_BITS << 1) | (h.crc ? 0 : 1),
    (bitrateIndex << 4) | (rateIndex << 2) | (h.padding ? 2 : 0),
    mode << 6,
  );
}

/** Milliseconds of audio in a frame of `h`: samplesPerFrame × 1000 / sampleRate (26.12 ms at 44.1 kHz MPEG-1). */
export function frameDurationMs(h: Pick<Mp3Header, 'samplesPerFrame' | 'sampleRate'>): number {
  return (h.samplesPerFrame * 1000) / h.sampleRate;
}
