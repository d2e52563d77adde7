/**
 * The `ffmpeg` command line of one MP3 bitrate step-down (paper 6.6.1's adaptation): MP3 on stdin, MP3 of the same
 * sample rate and channels at a lower bitrate on stdout, as little buffered on the way as ffmpeg allows.
 */

import { spawnSync } from 'node:child_process';
import type { TranscoderInput } from '../../../services/rtp/transcoder.ts';

/** Sample rates of MPEG-1, 2 and 2.5 Layer III, Hz. */
const MP3_SAMPLE_RATES: ReadonlySet<number> = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]);

/** Lowest and highest bitrate libmp3lame encodes, kbit/s. */
const MIN_KBPS = 8;
const MAX_KBPS = 320;

/**
 * ffmpeg's arguments for a step-down to `bitrateKbps`, kbit/s. Low latency: the input is probed from its first
 * frame (`-probesize 32 -analyzeduration 0 -fflags +nobuffer`), every output packet is flushed to the pipe
 * (`-flush_packets 1`), and LAME's bit reservoir is off (`-reservoir 0`: it holds frames back, ~100 ms here);
 * no Xing or ID3 header precedes the frames. Throws a RangeError on a bitrate, rate or channel count LAME refuses.
 */
export function ffmpegArgs(bitrateKbps: number, input: TranscoderInput): string[] {
  if (!Number.isInteger(bitrateKbps) || bitrateKbps < MIN_KBPS || bitrateKbps > MAX_KBPS) {
    throw new RangeError(`transcoder bitrate ${bitrateKbps} kbit/s: an integer ${MIN_KBPS}..${MAX_KBPS}`);
  }
  if (!MP3_SAMPLE_RATES.has(input.sampleRate)) throw new RangeError(`transcoder sample rate ${input.sampleRate} Hz: not an MP3 rate`);
  if (input.channels !== 1 && input.channels !== 2) throw new RangeError(`transcoder channels ${String(input.channels)}: 1 or 2`);
  return [
    '-hide_banner', '-loglevel', 'error',
    '-probesize', '32', '-analyzeduration', '0', '-fflags', '+nobuffer',
    '-f', 'mp3', '-i', 'pipe:0',
    '-c:a', 'libmp3lame', '-b:a', `${bitrateKbps}k`, '-reservoir', '0',
    '-ar', String(input.sampleRate), '-ac', String(input.channels),
    '-f', 'mp3', '-write_xing', '0', '-id3v2_version', '0', '-flush_packets', '1', 'pipe:1',
  ];
}

const availability = new Map<string, boolean>();

/** Whether `command` (default `ffmpeg`) runs here and has the libmp3lame encoder; checked once per command. */
export function ffmpegAvailable(command = 'ffmpeg'): boolean {
  let known = availability.get(command);
  if (known === undefined) {
    const r = spawnSync(command, ['-hide_banner', '-loglevel', 'error', '-h', 'encoder=libmp3lame'], { encoding: 'utf8', timeout: 10_000 });
    known = r.status === 0 && r.stdout.includes('libmp3lame');
    availability.set(command, known);
  }
  return known;
}
