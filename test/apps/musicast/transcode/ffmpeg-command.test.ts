/** The ffmpeg command line of a step-down: the stream's own rate and channels, the asked bitrate, nothing else on stdout. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ffmpegArgs } from '../../../../src/apps/musicast/transcode/ffmpeg-command.ts';

/** The value after `flag` in `args`. */
const valueOf = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('ffmpeg command', () => {
  it('reads MP3 on stdin and writes bare MP3 frames at the bitrate, same rate and channels, on stdout', () => {
    const args = ffmpegArgs(32, { sampleRate: 22050, channels: 2 });
    assert.equal(valueOf(args, '-i'), 'pipe:0');
    assert.equal(args.at(-1), 'pipe:1');
    assert.equal(valueOf(args, '-c:a'), 'libmp3lame');
    assert.equal(valueOf(args, '-b:a'), '32k');
    assert.equal(valueOf(args, '-ar'), '22050');
    assert.equal(valueOf(args, '-ac'), '2');
    assert.equal(valueOf(args, '-write_xing'), '0');
    assert.equal(valueOf(args, '-id3v2_version'), '0');
    assert.equal(valueOf(args, '-flush_packets'), '1');
    assert.deepEqual(args.filter((a) => a === '-f'), ['-f', '-f'], 'both formats forced: mp3 in, mp3 out');
  });

  it('refuses a bitrate, rate or channel count LAME cannot encode', () => {
    const input = { sampleRate: 44100, channels: 1 } as const;
    assert.throws(() => ffmpegArgs(0, input), RangeError);
    assert.throws(() => ffmpegArgs(321, input), RangeError);
    assert.throws(() => ffmpegArgs(64.5, input), RangeError);
    assert.throws(() => ffmpegArgs(Number.NaN, input), RangeError);
    assert.throws(() => ffmpegArgs(64, { sampleRate: 44000, channels: 1 }), RangeError);
    assert.throws(() => ffmpegArgs(64, { sampleRate: 44100, channels: 3 as 1 }), RangeError);
    assert.doesNotThrow(() => ffmpegArgs(8, { sampleRate: 8000, channels: 1 }));
    assert.doesNotThrow(() => ffmpegArgs(320, { sampleRate: 48000, channels: 2 }));
  });
});
