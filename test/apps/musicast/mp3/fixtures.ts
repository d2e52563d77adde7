/** The MP3 fixtures of test/fixtures/musicast (made by real ffmpeg, see its README) and what ffprobe counted in them. */

import { readFileSync } from 'node:fs';
import { Mp3FrameSplitter, type Mp3Frame } from '../../../../src/apps/musicast/mp3/frame-splitter.ts';
import type { Mp3Header } from '../../../../src/services/rtp/wire/mp3-header.ts';

/** One fixture file and the figures recorded once from ffprobe and the file's own bytes. */
export interface Mp3Fixture {
  readonly file: string;
  /** `ffprobe -v error -count_packets -show_entries stream=nb_read_packets`: frames the demuxer hands out (the Xing frame not counted). */
  readonly packets: number;
  /** `ffprobe -v error -count_frames -show_entries stream=nb_read_frames`: frames decoded (LAME's gapless trim can drop the last). */
  readonly decodedFrames: number;
  /** Bytes of ID3v2 (+ ID3v1) tags in the file. */
  readonly id3Bytes: number;
  /** Xing/Info frames in the file. */
  readonly infoFrames: number;
  /** What every frame's header says (bitrate: the first audio frame's). */
  readonly header: Pick<Mp3Header, 'version' | 'sampleRate' | 'channelMode' | 'bitrateKbps'>;
}

export const FIXTURES: readonly Mp3Fixture[] = [
  {
    file: 'sine-128k-stereo-id3-xing.mp3',
    packets: 40,
    decodedFrames: 40,
    id3Bytes: 81 + 128,
    infoFrames: 1,
    header: { version: '1', sampleRate: 44100, channelMode: 'joint', bitrateKbps: 128 },
  },
  {
    file: 'sine-128k-stereo-bare.mp3',
    packets: 40,
    decodedFrames: 40,
    id3Bytes: 0,
    infoFrames: 0,
    header: { version: '1', sampleRate: 44100, channelMode: 'joint', bitrateKbps: 128 },
  },
  {
    file: 'sine-64k-mono-22050.mp3',
    packets: 41,
    decodedFrames: 40,
    id3Bytes: 45,
    infoFrames: 1,
    header: { version: '2', sampleRate: 22050, channelMode: 'mono', bitrateKbps: 64 },
  },
  {
    file: 'sine-16k-mono-8000.mp3',
    packets: 16,
    decodedFrames: 15,
    id3Bytes: 45,
    infoFrames: 1,
    header: { version: '2.5', sampleRate: 8000, channelMode: 'mono', bitrateKbps: 16 },
  },
  {
    file: 'sine-vbr-stereo-48000.mp3',
    packets: 43,
    decodedFrames: 43,
    id3Bytes: 45,
    infoFrames: 1,
    header: { version: '1', sampleRate: 48000, channelMode: 'joint', bitrateKbps: 224 },
  },
];

/** The directory of the fixtures. */
export const FIXTURE_DIR = new URL('../../../fixtures/musicast/', import.meta.url);

/** The bytes of fixture `file`. */
export function fixtureBytes(file: string): Buffer {
  return readFileSync(new URL(file, FIXTURE_DIR));
}

/** All frames of `bytes` pushed at once, then flushed, and the splitter that cut them. */
export function splitAll(bytes: Uint8Array, splitter = new Mp3FrameSplitter()): { frames: Mp3Frame[]; splitter: Mp3FrameSplitter } {
  return { frames: [...splitter.push(bytes), ...splitter.flush()], splitter };
}

/** The audio frames of the bare 128 kbit/s fixture (no tag, no Xing frame), each its own Buffer. */
export function bareFrames(): Buffer[] {
  return splitAll(fixtureBytes('sine-128k-stereo-bare.mp3')).frames.map((f) => Buffer.from(f.bytes));
}
