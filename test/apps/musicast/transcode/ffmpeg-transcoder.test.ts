/**
 * The ffmpeg transcoder with a real ffmpeg: a 128 kbit/s MP3 made by ffmpeg itself, pushed frame by frame at real-time
 * pace, comes out as 64 kbit/s frames of the same rate; a child killed with SIGKILL is restarted and output resumes; a
 * consumer that never polls costs a bounded queue; close() leaves no process behind. A missing binary is counted.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../../../src/core/errors.ts';
import { parseMp3Header } from '../../../../src/services/rtp/wire/mp3-header.ts';
import { Mp3FrameSplitter } from '../../../../src/apps/musicast/mp3/frame-splitter.ts';
import { FfmpegTranscoder, ffmpegAvailable, ffmpegTranscoders } from '../../../../src/apps/musicast/transcode/ffmpeg-transcoder.ts';
import { needs } from '../../../support/prerequisite.ts';

/** ms of one 1152-sample frame at 44.1 kHz. */
const FRAME_MS = (1152 * 1000) / 44100;
const INPUT = { sampleRate: 44100, channels: 1 } as const;

/** The 128 kbit/s frames of a `seconds`-long 440 Hz tone, encoded by ffmpeg. */
function toneFrames(dir: string, seconds: number): Buffer[] {
  const file = join(dir, `tone-${seconds}.mp3`);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', file]);
  return new Mp3FrameSplitter().push(readFileSync(file)).map((f) => Buffer.from(f.bytes));
}

/** Whether process `pid` exists (a zombie counts: its /proc entry stays until it is reaped). */
function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Pushes `frames` at real-time pace (catching up on timer lateness) and polls every tick; `during(k, polled)` runs
 * after frame k is pushed. Resolves with every polled frame once `tailMs` passed after the last push.
 */
async function paced(t: FfmpegTranscoder, frames: readonly Buffer[], tailMs: number, during?: (k: number, polled: number) => void): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const drain = (): void => {
    for (let f = t.poll(); f; f = t.poll()) out.push(f);
  };
  const t0 = performance.now();
  let k = 0;
  while (k < frames.length) {
    const due = Math.min(frames.length, Math.floor((performance.now() - t0) / FRAME_MS) + 1);
    for (; k < due; k++) {
      t.push(frames[k] as Buffer);
      during?.(k, out.length);
    }
    drain();
    await sleep(5);
  }
  const end = performance.now() + tailMs;
  while (performance.now() < end) {
    drain();
    await sleep(10);
  }
  return out;
}

needs({ commands: ['ffmpeg'] }).describe('ffmpeg transcoder, with a real ffmpeg', { timeout: 60_000 }, () => {
  let dir: string;
  let tone: Buffer[];
  const made: FfmpegTranscoder[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sc-transcode-'));
    tone = toneFrames(dir, 5);
  });

  after(() => {
    for (const t of made) t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ffmpeg is available here, with libmp3lame', () => {
    assert.equal(ffmpegAvailable(), true);
    assert.equal(ffmpegAvailable('/nonexistent/ffmpeg'), false);
  });

  it('128 kbit/s frames pushed in real time come out as 64 kbit/s frames of the same rate, about as many', async () => {
    assert.ok(tone.length >= 185, `fixture has ${tone.length} frames`);
    assert.equal(parseMp3Header(tone[0] as Buffer, 0)?.bitrateKbps, 128);
    const factory = ffmpegTranscoders();
    const t = factory(64, INPUT) as FfmpegTranscoder;
    made.push(t);
    const out = await paced(t, tone, 1000);
    const headers = out.map((f) => parseMp3Header(f, 0));
    assert.ok(headers.every((h) => h?.bitrateKbps === 64 && h.sampleRate === 44100 && h.channels === 1), 'every frame is 64 kbit/s, 44.1 kHz, mono');
    assert.ok(out.every((f, i) => f.length === headers[i]?.frameBytes), 'every frame is whole');
    assert.ok(Math.abs(out.length - tone.length) <= 4, `${out.length} frames out for ${tone.length} in`);
    assert.deepEqual({ ...t.counters }, { framesIn: tone.length, framesOut: out.length, dropped: 0, restarts: 0, spawnErrors: 0 });
    assert.deepEqual({ ...factory.counters }, { ...t.counters });
  });

  it('a child killed with SIGKILL mid-stream is restarted and the output resumes', async (c) => {
    const t = new FfmpegTranscoder(64, INPUT, { restartMinMs: 200 });
    made.push(t);
    const first = t.pid;
    assert.ok(first !== undefined);
    let beforeKill = -1;
    const input = tone;
    const out = await paced(t, input, 1000, (k, polled) => {
      if (k !== 60) return;
      beforeKill = polled;
      process.kill(first, 'SIGKILL');
    });
    assert.ok(beforeKill > 40, `${beforeKill} frames out before the kill`);
    assert.equal(t.counters.restarts, 1);
    assert.equal(t.counters.spawnErrors, 0);
    assert.ok(t.pid !== undefined && t.pid !== first, 'a new child runs');
    assert.equal(alive(first), false, 'the killed child was reaped');
    // After the kill: the second child's frames, 64 kbit/s again, the rest of the stream but for the restart's gap.
    const after = out.length - beforeKill;
    const rest = input.length - 60;
    c.diagnostic(`${beforeKill} frames out before the kill, ${after} after it, ${rest} pushed after it`);
    assert.ok(after > rest - 40 && after <= rest + 30, `${after} frames out after the kill, ${rest} pushed`);
    assert.ok(out.every((f) => parseMp3Header(f, 0)?.bitrateKbps === 64));
  });

  it('a consumer that never polls holds at most maxOutputFrames; input past maxInputBytes is dropped', async () => {
    const t = new FfmpegTranscoder(64, INPUT, { maxOutputFrames: 16, maxInputBytes: 8192 });
    made.push(t);
    for (let round = 0; round < 4; round++) {
      for (const f of tone) t.push(f); // 5 s of input at once, four times: far more than stdin takes in one go
      await sleep(400);
    }
    await sleep(1000);
    let held = 0;
    while (t.poll()) held++;
    assert.equal(held, 16, 'the output queue filled up to its bound, and no further');
    assert.ok(t.counters.dropped > 0);
    assert.equal(t.counters.framesIn, 4 * tone.length);
  });

  it('close() ends the child: its process is gone, not a zombie', async () => {
    const t = new FfmpegTranscoder(32, INPUT);
    const pid = t.pid;
    assert.ok(pid !== undefined);
    for (const f of tone.slice(0, 20)) t.push(f);
    await sleep(200);
    t.close();
    await until('the child to exit and be reaped', () => !alive(pid), 5000);
    t.push(tone[0] as Buffer);
    assert.equal(t.poll(), undefined);
    assert.equal(t.counters.restarts, 0);
  });
});

describe('ffmpeg transcoder without ffmpeg', () => {
  it('a missing binary is a counted ERR_TRANSCODER_SPAWN, retried with a doubling backoff, never thrown', async () => {
    const factory = ffmpegTranscoders({ command: '/nonexistent/ffmpeg', restartMinMs: 40, restartMaxMs: 160 });
    const t = factory(64, INPUT) as FfmpegTranscoder;
    assert.equal(t.pid, undefined);
    for (let i = 0; i < 10; i++) t.push(Buffer.alloc(417, i));
    assert.equal(t.poll(), undefined);
    // Starts at 0, 40, 120, 280, 440, 600, ... ms: 5 or so in 700 ms; with no doubling there would be ~17.
    await sleep(700);
    t.close();
    const { spawnErrors, restarts } = factory.counters;
    assert.ok(spawnErrors >= 3 && spawnErrors <= 7, `${spawnErrors} spawn errors`);
    assert.equal(restarts, spawnErrors - 1);
    assert.equal(t.lastError?.code, ErrorCode.TRANSCODER_SPAWN);
    assert.equal(factory.counters.framesIn, 10);
    await sleep(300);
    assert.equal(factory.counters.spawnErrors, spawnErrors, 'no start after close');
  });

  it('a child that exits by itself is restarted, and what it printed on stderr is logged', async () => {
    // `sh` given ffmpeg's arguments says "Illegal option -h" on stderr and exits 2.
    const logged: Array<{ msg: string; fields: Record<string, unknown> | undefined }> = [];
    const t = new FfmpegTranscoder(64, INPUT, { command: 'sh', restartMinMs: 100, log: (_level, msg, fields) => logged.push({ msg, fields }) });
    await until('two restarts', () => t.counters.restarts >= 2, 3000);
    t.close();
    assert.equal(t.counters.spawnErrors, 0);
    const said = logged.filter((l) => l.msg === 'ffmpeg transcoder said');
    assert.ok(said.length >= 2 && said.every((l) => /Illegal option/.test(String(l.fields?.line))), JSON.stringify(logged));
    const exits = logged.filter((l) => l.msg === 'ffmpeg transcoder exited');
    assert.deepEqual(exits.slice(0, 2).map((l) => [l.fields?.code, l.fields?.restartInMs]), [[2, 100], [2, 200]]);
  });

  it('a factory refuses a bitrate LAME cannot encode before it starts anything', () => {
    const factory = ffmpegTranscoders({ command: '/nonexistent/ffmpeg' });
    assert.throws(() => factory(321, INPUT), RangeError);
    assert.equal(factory.counters.spawnErrors, 0);
  });
});
