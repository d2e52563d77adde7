/**
 * A model of the `rtp` module's transcoder for sans-IO and simulator tests: deterministic, instant, no process. For
 * each input frame it emits one MP3 frame with a valid MPEG-1 Layer III header at the output bitrate (same sample
 * rate and channel mode) and a zero body. It models only the interface (`src/services/rtp/transcoder.ts`): the
 * daemon's real transcoder is an `ffmpeg` child process, written by another helper in `src/apps/musicast/transcode/`.
 */

import type { Transcoder, TranscoderFactory, TranscoderInput } from '../../src/services/rtp/transcoder.ts';

/** MPEG-1 Layer III bitrates of bitrate index 1..14, kbit/s. */
const MPEG1_L3_KBPS = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG1_RATES = [44100, 48000, 32000];

/** One MPEG-1 Layer III frame at `kbps`, `sampleRate` Hz, stereo or mono, with a zero body (`fill` in its last byte). */
export function mp3Frame(kbps: number, sampleRate = 44100, channels: 1 | 2 = 2, fill = 0): Uint8Array {
  const b = MPEG1_L3_KBPS.indexOf(kbps) + 1;
  const r = MPEG1_RATES.indexOf(sampleRate);
  if (b === 0 || r < 0) throw new RangeError(`no MPEG-1 Layer III frame at ${kbps} kbit/s, ${sampleRate} Hz`);
  const frame = new Uint8Array(Math.floor((144_000 * kbps) / sampleRate));
  frame.set([0xff, 0xfb, (b << 4) | (r << 2), channels === 1 ? 0xc0 : 0x40]);
  frame[frame.length - 1] = fill;
  return frame;
}

/** The bitrate an MPEG-1 Layer III frame header says, kbit/s (undefined: not one). */
export function mp3FrameKbps(frame: Uint8Array): number | undefined {
  if (frame[0] !== 0xff || frame[1] !== 0xfb) return undefined;
  return MPEG1_L3_KBPS[((frame[2] ?? 0) >> 4) - 1];
}

/** What the model transcoders of one factory did. */
export interface ModelTranscoderLog {
  /** Transcoders made, by bitrate (kbit/s), and how many are open now. */
  readonly made: number[];
  open: number;
  framesIn: number;
  /** Inputs the factory was given. */
  readonly inputs: TranscoderInput[];
}

/** A factory of model transcoders (see the file's comment), logging into the returned `log`. */
export function modelTranscoders(): { factory: TranscoderFactory; log: ModelTranscoderLog } {
  const log: ModelTranscoderLog = { made: [], open: 0, framesIn: 0, inputs: [] };
  const factory: TranscoderFactory = (kbps, input) => {
    log.made.push(kbps);
    log.inputs.push(input);
    log.open++;
    const out: Uint8Array[] = [];
    let closed = false;
    const t: Transcoder = {
      push: (frame) => {
        if (closed) return;
        log.framesIn++;
        out.push(mp3Frame(kbps, input.sampleRate, input.channels, frame[frame.length - 1]));
      },
      poll: () => out.shift(),
      close: () => {
        if (!closed) log.open--;
        closed = true;
        out.length = 0;
      },
    };
    return t;
  };
  return { factory, log };
}
