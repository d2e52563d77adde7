/**
 * A bitrate step-down of one MP3 stream for the `rtp` module's adaptation (paper 6.6.1): frames in, frames out,
 * polled, so the module stays sans-IO. The daemon's is an `ffmpeg` child process; the simulator's a model.
 */

/** One running transcoder. */
export interface Transcoder {
  /** Feeds one MP3 frame of the input stream (dropped, and counted by the transcoder, when it is behind). */
  push(frame: Uint8Array): void;
  /** The next whole MP3 frame of output, if one is ready. */
  poll(): Uint8Array | undefined;
  /** Stops it; a child process, if any, exits. */
  close(): void;
}

/** What a transcoder's input is. */
export interface TranscoderInput {
  /** Sample rate of the input frames, Hz (the output keeps it). */
  readonly sampleRate: number;
  /** Channels of the input (the output keeps them). */
  readonly channels: 1 | 2;
}

/** Makes a transcoder whose output runs at `bitrateKbps`, kbit/s. */
export type TranscoderFactory = (bitrateKbps: number, input: TranscoderInput) => Transcoder;
