import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { layer3Crc } from '../../../../src/apps/musicast/mp3/crc.ts';
import { frameLength, parseMp3Header, type Mp3Header } from '../../../../src/services/rtp/wire/mp3-header.ts';
import { Mp3FrameSplitter } from '../../../../src/apps/musicast/mp3/frame-splitter.ts';
import { silentFrame, type SilentFrameLike } from '../../../../src/apps/musicast/mp3/silent-frame.ts';
import { needs } from '../../../support/prerequisite.ts';
import { bareFrames, FIXTURES, FIXTURE_DIR, splitAll } from './fixtures.ts';

/** The streams the brief names, and a few more corners (32 kHz 320k dual, 11.025 kHz stereo). */
const STREAMS: SilentFrameLike[] = [
  { version: '1', sampleRate: 44100, bitrateKbps: 128, channelMode: 'stereo' },
  { version: '1', sampleRate: 48000, bitrateKbps: 128, channelMode: 'joint' },
  { version: '1', sampleRate: 32000, bitrateKbps: 320, channelMode: 'dual' },
  { version: '2', sampleRate: 22050, bitrateKbps: 64, channelMode: 'mono' },
  { version: '2', sampleRate: 24000, bitrateKbps: 64, channelMode: 'mono' },
  { version: '2.5', sampleRate: 8000, bitrateKbps: 16, channelMode: 'mono' },
  { version: '2.5', sampleRate: 11025, bitrateKbps: 32, channelMode: 'stereo' },
];

const name = (s: SilentFrameLike): string => `MPEG-${s.version} ${s.sampleRate} Hz ${s.bitrateKbps}k ${s.channelMode}${s.crc ? ' CRC' : ''}`;

describe('silentFrame', () => {
  for (const like of [...STREAMS, { ...(STREAMS[0] as SilentFrameLike), crc: true }]) {
    it(`${name(like)}: the stream's header, zero side information and main data`, () => {
      const frame = silentFrame(like);
      const h = parseMp3Header(frame, 0) as Mp3Header;
      assert.ok(h);
      assert.deepEqual(
        { version: h.version, sampleRate: h.sampleRate, bitrateKbps: h.bitrateKbps, channelMode: h.channelMode, crc: h.crc, padding: h.padding },
        { version: like.version, sampleRate: like.sampleRate, bitrateKbps: like.bitrateKbps, channelMode: like.channelMode, crc: like.crc === true, padding: false },
      );
      assert.equal(frame.length, frameLength(like.version, like.bitrateKbps, like.sampleRate, false));
      const body = frame.subarray(like.crc ? 6 : 4);
      assert.ok(body.every((b) => b === 0));
      if (like.crc) assert.equal(frame.readUInt16BE(4), layer3Crc(frame, h));
      assert.equal(silentFrame({ ...like }), frame, 'cached per key');
    });
  }

  it('refuses what no Layer III header can say', () => {
    const base = STREAMS[0] as SilentFrameLike;
    assert.throws(() => silentFrame({ ...base, bitrateKbps: 0 }), RangeError);
    assert.throws(() => silentFrame({ ...base, bitrateKbps: 144 }), RangeError);
    assert.throws(() => silentFrame({ ...base, sampleRate: 22050 }), RangeError);
    assert.throws(() => silentFrame({ ...base, channelMode: 'quad' as Mp3Header['channelMode'] }), RangeError);
  });

  it('silent frames are frames to the splitter, and take an Mp3Header as their model', () => {
    const frame = silentFrame(parseMp3Header(bareFrames()[0] as Buffer, 0) as Mp3Header);
    const { frames, splitter } = splitAll(Buffer.concat(Array<Buffer>(50).fill(frame)), new Mp3FrameSplitter());
    assert.equal(frames.length, 50);
    assert.equal(splitter.counters.garbageBytes, 0);
    assert.equal(frames[0]?.header.channelMode, 'joint');
  });
});

/** ffmpeg's stderr and stdout for `args`, fed `input`. */
function ffmpeg(args: string[], input: Buffer): { stderr: string; stdout: Buffer; status: number | null } {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', ...args], { input, maxBuffer: 64 * 1024 * 1024 });
  return { stderr: r.stderr.toString(), stdout: r.stdout, status: r.status };
}

needs({ commands: ['ffmpeg', 'ffprobe'] }).describe('silent frames and fixtures through real ffmpeg', { timeout: 60_000 }, () => {
  for (const like of STREAMS) {
    it(`${name(like)}: 200 silent frames decode without error to all-zero PCM`, () => {
      const stream = Buffer.concat(Array<Buffer>(200).fill(silentFrame(like)));
      const check = ffmpeg(['-f', 'mp3', '-i', '-', '-f', 'null', '-'], stream);
      assert.equal(check.stderr, '');
      assert.equal(check.status, 0);
      const pcm = ffmpeg(['-f', 'mp3', '-i', '-', '-f', 's16le', '-'], stream);
      assert.equal(pcm.status, 0, pcm.stderr);
      const h = parseMp3Header(stream, 0) as Mp3Header;
      assert.equal(pcm.stdout.length, 200 * h.samplesPerFrame * h.channels * 2, 'every frame decoded');
      assert.ok(pcm.stdout.every((b) => b === 0), 'every sample is 0');
    });
  }

  it('a CRC-protected silent stream passes ffmpeg -err_detect crccheck, and one flipped side-information bit fails it', () => {
    const frame = silentFrame({ ...(STREAMS[0] as SilentFrameLike), crc: true });
    const args = ['-err_detect', 'crccheck', '-f', 'mp3', '-i', '-', '-f', 'null', '-'];
    assert.equal(ffmpeg(args, Buffer.concat(Array<Buffer>(50).fill(frame))).stderr, '');
    const bad = Buffer.from(frame);
    bad[10] = 0x01;
    assert.match(ffmpeg(args, Buffer.concat([frame, bad, frame])).stderr, /CRC/i);
  });

  it('sine, 30 silent frames, sine again (a fallback and back, on frame boundaries) decodes without error', () => {
    const frames = bareFrames();
    const header = parseMp3Header(frames[0] as Buffer, 0) as Mp3Header;
    const spliced = Buffer.concat([...frames.slice(0, 20), ...Array<Buffer>(30).fill(silentFrame(header)), ...frames.slice(20)]);
    const r = ffmpeg(['-f', 'mp3', '-i', '-', '-f', 'null', '-'], spliced);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  it("the fixtures' frame counts recorded in fixtures.ts are ffprobe's", () => {
    for (const fx of FIXTURES) {
      const path = new URL(fx.file, FIXTURE_DIR).pathname;
      const r = spawnSync('ffprobe', ['-v', 'error', '-count_packets', '-count_frames', '-show_entries', 'stream=nb_read_packets,nb_read_frames', '-of', 'json', path]);
      const stream = (JSON.parse(r.stdout.toString()) as { streams: { nb_read_packets: string; nb_read_frames: string }[] }).streams[0];
      assert.deepEqual({ packets: Number(stream?.nb_read_packets), frames: Number(stream?.nb_read_frames) }, { packets: fx.packets, frames: fx.decodedFrames }, fx.file);
    }
  });
});
