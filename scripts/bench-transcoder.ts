/**
 * The ffmpeg transcoder's delay and cost: a 128 kbit/s MP3 tone (made by ffmpeg) pushed frame by frame at real-time
 * pace into one FfmpegTranscoder per target bitrate, polled every millisecond or so. Prints, per bitrate, the
 * delay from pushing input frame k to polling output frame k (p50, p99, max; output frame k carries about the audio
 * of input frame k, LAME's priming aside), the delay to the first output frame (the child's start included), and
 * the child's CPU (user + system time over the run).
 *
 *   node --import tsx scripts/bench-transcoder.ts [seconds, default 20]
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mp3FrameSplitter } from '../src/apps/musicast/mp3/frame-splitter.ts';
import { FfmpegTranscoder, ffmpegAvailable } from '../src/apps/musicast/transcode/ffmpeg-transcoder.ts';

const seconds = Number(process.argv[2] ?? 20);
if (!ffmpegAvailable()) throw new Error('needs ffmpeg with libmp3lame on PATH');

/** CPU seconds (user + system) process `pid` used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function run(frames: readonly Buffer[], bitrateKbps: number): Promise<string> {
  const t = new FfmpegTranscoder(bitrateKbps, { sampleRate: 44100, channels: 1 });
  const pid = t.pid as number;
  const pushedAt: number[] = [];
  const polledAt: number[] = [];
  const frameMs = (1152 * 1000) / 44100;
  const t0 = performance.now();
  while (pushedAt.length < frames.length || performance.now() - t0 < frames.length * frameMs + 1000) {
    const due = Math.min(frames.length, Math.floor((performance.now() - t0) / frameMs) + 1);
    while (pushedAt.length < due) {
      t.push(frames[pushedAt.length] as Buffer);
      pushedAt.push(performance.now());
    }
    while (t.poll()) polledAt.push(performance.now());
    await sleep(1);
  }
  const cpu = cpuSeconds(pid);
  t.close();
  const delays = polledAt.slice(0, pushedAt.length).map((at, k) => at - (pushedAt[k] as number)).sort((a, b) => a - b);
  const ms = (v: number): string => `${v.toFixed(0)} ms`;
  return `${bitrateKbps} kbit/s: ${polledAt.length} frames out for ${frames.length} in; push->poll p50 ${ms(quantile(delays, 0.5))}, p99 ${ms(quantile(delays, 0.99))}, max ${ms(delays.at(-1) ?? Number.NaN)}; first frame ${ms((polledAt[0] ?? Number.NaN) - (pushedAt[0] ?? 0))}; ffmpeg CPU ${((100 * cpu) / seconds).toFixed(1)}% of a core`;
}

const dir = mkdtempSync(join(tmpdir(), 'sc-bench-transcoder-'));
try {
  const file = join(dir, 'tone.mp3');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', file]);
  const frames = new Mp3FrameSplitter().push(readFileSync(file)).map((f) => Buffer.from(f.bytes));
  console.log(`${frames.length} frames of 128 kbit/s, 44.1 kHz mono, pushed in real time (${seconds} s)`);
  for (const kbps of [64, 32]) console.log(await run(frames, kbps));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
