import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { needs } from '../../../support/prerequisite.ts';
import { fileFrames, station, type Station } from './icy-client.ts';

const run = promisify(execFile);

/** The bare 128 kbit/s fixture, ~1 s: looped to fill the burst and then pushed in real time. */
const FIXTURE = new URL('../../../fixtures/musicast/sine-128k-stereo-bare.mp3', import.meta.url);

/** A station fed with the fixture: 150 frames (~3.9 s) in its burst, then one frame every 26 ms until stopped. */
async function fedStation(): Promise<{ s: Station; stop: () => Promise<void> }> {
  const frames = fileFrames(readFileSync(FIXTURE));
  const s = await station();
  let i = 0;
  for (; i < 150; i++) s.hub.pushFrame(frames[i % frames.length]!);
  const timer = setInterval(() => s.hub.pushFrame(frames[i++ % frames.length]!), 26);
  return { s, stop: async () => (clearInterval(timer), s.close()) };
}

needs({ commands: ['ffprobe', 'ffmpeg'] }).describe('MusiCast listeners with real players', { timeout: 30_000 }, () => {
  it('ffprobe -icy 1 prints the StreamTitle, before and after a change', async () => {
    const { s, stop } = await fedStation();
    try {
      const url = `http://127.0.0.1:${s.port}/live`;
      const probe = async (): Promise<string> =>
        (await run('ffprobe', ['-v', 'error', '-show_format', '-show_entries', 'format_tags=StreamTitle', '-icy', '1', url], { timeout: 15_000 })).stdout;
      s.hub.setTitle("Artist - Don't Stop");
      const first = await probe();
      assert.match(first, /^format_name=mp3$/m);
      assert.match(first, /^TAG:StreamTitle=Artist - Don't Stop$/m);
      s.hub.setTitle('Åsa – Two');
      assert.match(await probe(), /^TAG:StreamTitle=Åsa – Two$/m);
      assert.equal(s.hub.counters.accepted, 2);
    } finally {
      await stop();
    }
  });

  it('ffmpeg decodes 3 s with metadata blocks interleaved and prints no error', async () => {
    const { s, stop } = await fedStation();
    try {
      s.hub.setTitle('Artist - Title');
      const { stdout, stderr } = await run(
        'ffmpeg',
        ['-v', 'error', '-icy', '1', '-i', `http://127.0.0.1:${s.port}/live`, '-t', '3', '-f', 'null', '-'],
        { timeout: 15_000 },
      );
      assert.equal(stderr, '');
      assert.equal(stdout, '');
      assert.ok(s.hub.counters.bytesOut > 48_000, `${s.hub.counters.bytesOut} bytes sent`);
    } finally {
      await stop();
    }
  });
});
