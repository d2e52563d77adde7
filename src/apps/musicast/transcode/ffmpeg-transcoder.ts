/**
 * The daemon's Transcoder (src/services/rtp/transcoder.ts): one `ffmpeg` child process per step-down, MP3 frames
 * written to its stdin, its stdout split back into whole frames (ffmpeg-command.ts has the command line).
 *
 * Bounded and safe whatever the child does: frames wait in a queue of at most `maxInputBytes` while its stdin is
 * full or it is restarting (the oldest dropped past that), output frames in one of at most `maxOutputFrames` until
 * polled (the oldest dropped past that); a child that exits or dies is restarted after a backoff that doubles from
 * `restartMinMs` to `restartMaxMs`; EPIPE and a missing binary are counted, never thrown; `close()` sends SIGTERM,
 * then SIGKILL after `killGraceMs`, and Node reaps the child.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { ErrorCode, ScError } from '../../../core/errors.ts';
import { Fifo } from '../../../core/fifo.ts';
import type { Logger } from '../../../daemon/log.ts';
import type { Transcoder, TranscoderFactory, TranscoderInput } from '../../../services/rtp/transcoder.ts';
import { Mp3FrameSplitter } from '../mp3/frame-splitter.ts';
import { ffmpegArgs } from './ffmpeg-command.ts';
import { StderrLines } from './stderr-lines.ts';

/** Options of the ffmpeg transcoders. */
export interface FfmpegTranscoderOptions {
  /** The ffmpeg executable, a name on PATH or a path (default `ffmpeg`). */
  readonly command?: string;
  /** Input held while the child's stdin is full or it restarts, bytes (default 65,536: ~4 s at 128 kbit/s). */
  readonly maxInputBytes?: number;
  /** Output frames held until polled, frames (default 128: ~3.3 s of 1152-sample frames at 44.1 kHz). */
  readonly maxOutputFrames?: number;
  /** Delay of the first restart after the child ended, ms (default 500); doubles per restart, back to this after a run of restartMaxMs. */
  readonly restartMinMs?: number;
  /** Longest restart delay, ms (default 10,000). */
  readonly restartMaxMs?: number;
  /** Time between SIGTERM and SIGKILL on close, ms (default 2,000). */
  readonly killGraceMs?: number;
  /** Where the child's stderr lines (rate-limited), exits and spawn errors are logged (default: nowhere). */
  readonly log?: Logger;
}

/** What a transcoder counts (for /metrics); a factory's counters sum those of every transcoder it made. */
export interface TranscoderCounters {
  /** Frames pushed. */
  framesIn: number;
  /** Frames polled out. */
  framesOut: number;
  /** Frames dropped: input past maxInputBytes, output past maxOutputFrames, pushes after close. */
  dropped: number;
  /** Children started again after one ended (or failed to start). */
  restarts: number;
  /** Children that could not be started (ERR_TRANSCODER_SPAWN). */
  spawnErrors: number;
}

/** A factory of ffmpeg transcoders, with their summed counters. */
export type FfmpegTranscoderFactory = TranscoderFactory & { readonly counters: Readonly<TranscoderCounters> };

const zeroCounters = (): TranscoderCounters => ({ framesIn: 0, framesOut: 0, dropped: 0, restarts: 0, spawnErrors: 0 });

const ignore = (): void => undefined;

/** One step-down through one ffmpeg child process (restarted as needed). */
export class FfmpegTranscoder implements Transcoder {
  readonly counters = zeroCounters();
  /** Why the last start failed, if it did (code ERR_TRANSCODER_SPAWN). */
  lastError: ScError | undefined;
  private readonly args: string[];
  private readonly command: string;
  private readonly input = new Fifo<Uint8Array>();
  private inputBytes = 0;
  private readonly output = new Fifo<Uint8Array>();
  private child: ChildProcess | undefined;
  private splitter = new Mp3FrameSplitter();
  private readonly stderr: StderrLines | undefined;
  private backoffMs: number;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Starts a child that re-encodes `input` at `bitrateKbps`, kbit/s; `totals` also counts, for a factory. Throws RangeError on what LAME refuses. */
  constructor(
    readonly bitrateKbps: number,
    input: TranscoderInput,
    private readonly o: FfmpegTranscoderOptions = {},
    private readonly totals?: TranscoderCounters,
  ) {
    this.args = ffmpegArgs(bitrateKbps, input);
    this.command = o.command ?? 'ffmpeg';
    this.backoffMs = o.restartMinMs ?? 500;
    this.stderr = o.log && new StderrLines(o.log, 'ffmpeg transcoder', { bitrateKbps });
    this.start();
  }

  /** The running child's process id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  push(frame: Uint8Array): void {
    this.count('framesIn');
    const max = this.o.maxInputBytes ?? 65_536;
    if (this.closed || frame.length > max) return this.count('dropped');
    this.input.push(Buffer.from(frame)); // a copy: the caller's may be a view of a packet it reuses
    this.inputBytes += frame.length;
    while (this.inputBytes > max) this.dropOldestInput();
    this.feed();
  }

  poll(): Uint8Array | undefined {
    const frame = this.output.shift();
    if (frame) this.count('framesOut');
    return frame;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.input.clear();
    this.inputBytes = 0;
    this.output.clear();
    const child = this.child;
    if (!child) return;
    child.stdin?.destroy();
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), this.o.killGraceMs ?? 2000);
    kill.unref();
    child.once('exit', () => clearTimeout(kill));
  }

  private count(key: keyof TranscoderCounters): void {
    this.counters[key]++;
    if (this.totals) this.totals[key]++;
  }

  private dropOldestInput(): void {
    this.inputBytes -= this.input.shift()?.length ?? 0;
    this.count('dropped');
  }

  /** Writes queued frames while the child's stdin takes them. */
  private feed(): void {
    const stdin = this.child?.stdin;
    if (!stdin || !stdin.writable) return;
    while (!stdin.writableNeedDrain) {
      const frame = this.input.shift();
      if (!frame) return;
      this.inputBytes -= frame.length;
      stdin.write(frame);
    }
  }

  private start(): void {
    this.restartTimer = undefined;
    if (this.closed) return;
    let child: ChildProcess;
    try {
      child = spawn(this.command, this.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      return this.failed(err as Error);
    }
    this.child = child;
    this.splitter = new Mp3FrameSplitter();
    this.startedAt = performance.now();
    child.stdin?.on('error', ignore).on('drain', () => this.feed());
    child.stdout?.on('error', ignore).on('data', (chunk: Buffer) => this.received(child, chunk));
    child.stderr?.on('error', ignore).on('data', (chunk: Buffer) => this.stderr?.push(chunk));
    child.on('error', (err) => {
      if (child.pid === undefined && this.child === child) {
        this.child = undefined;
        this.failed(err);
      }
    });
    child.on('close', (code, signal) => this.ended(child, code, signal));
    this.feed();
  }

  private received(child: ChildProcess, chunk: Buffer): void {
    if (this.closed || child !== this.child) return;
    const max = this.o.maxOutputFrames ?? 128;
    for (const frame of this.splitter.push(chunk)) {
      this.output.push(Buffer.from(frame.bytes)); // a copy: a view would pin the whole stdout chunk
      if (this.output.length > max) {
        this.output.shift();
        this.count('dropped');
      }
    }
  }

  private failed(err: Error): void {
    this.count('spawnErrors');
    this.lastError = new ScError(ErrorCode.TRANSCODER_SPAWN, `cannot start ${this.command}: ${err.message}`);
    this.o.log?.('error', 'ffmpeg transcoder cannot start', { code: this.lastError.code, command: this.command, error: err.message });
    this.restartLater();
  }

  private ended(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.stderr?.flush();
    if (this.closed) return;
    if (performance.now() - this.startedAt >= (this.o.restartMaxMs ?? 10_000)) this.backoffMs = this.o.restartMinMs ?? 500;
    this.o.log?.('warn', 'ffmpeg transcoder exited', { bitrateKbps: this.bitrateKbps, code, signal, restartInMs: this.backoffMs });
    this.restartLater();
  }

  private restartLater(): void {
    if (this.closed) return;
    this.restartTimer = setTimeout(() => {
      this.count('restarts');
      this.start();
    }, this.backoffMs);
    this.restartTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.o.restartMaxMs ?? 10_000);
  }
}

/** Makes a transcoder per call, each its own ffmpeg child; the factory's counters sum theirs. */
export function ffmpegTranscoders(options: FfmpegTranscoderOptions = {}): FfmpegTranscoderFactory {
  const counters = zeroCounters();
  const make: TranscoderFactory = (bitrateKbps, input) => new FfmpegTranscoder(bitrateKbps, input, options, counters);
  return Object.assign(make, { counters });
}

export { ffmpegAvailable } from './ffmpeg-command.ts';
