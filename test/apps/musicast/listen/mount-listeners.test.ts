import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Random } from '../../../../src/core/random.ts';
import { parseMp3Header } from '../../../../src/services/rtp/wire/mp3-header.ts';
import { encodeMetadataBlock, icyTitle } from '../../../../src/apps/musicast/listen/icy-metadata.ts';
import { MountListeners } from '../../../../src/apps/musicast/listen/mount-listeners.ts';
import { testSeed } from '../../../support/seed.ts';
import { demux, INFO, RawClient, station, synthFrames } from './icy-client.ts';

/** The frames a burst of at most `bytes` holds: the longest run of whole frames ending with the last one. */
function burstOf(frames: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let total = 0;
  for (let i = frames.length - 1; i >= 0 && total + frames[i]!.length <= bytes; i--) {
    total += frames[i]!.length;
    out.unshift(frames[i]!);
  }
  return out;
}

const sum = (bufs: readonly Buffer[]): number => bufs.reduce((n, b) => n + b.length, 0);

describe('MountListeners: ICY streaming to players on loopback', { timeout: 30_000 }, () => {
  it('answers HTTP/1.1 200 with the ICY headers, no chunking, and a UTF-8 icy-name as its bytes', async () => {
    const s = await station({}, { ...INFO, name: 'Radio Ünï' });
    try {
      const c = RawClient.get(s.port, true);
      await c.until(() => c.bytes > 0);
      const a = c.answer();
      assert.equal(a.statusLine, 'HTTP/1.1 200 OK');
      assert.equal(a.headers.get('content-type'), 'audio/mpeg');
      assert.equal(Buffer.from(a.headers.get('icy-name')!, 'latin1').toString('utf8'), 'Radio Ünï');
      assert.equal(a.headers.get('icy-genre'), 'Jazz');
      assert.equal(a.headers.get('icy-br'), '128');
      assert.equal(a.headers.get('icy-pub'), '0');
      assert.equal(a.headers.get('icy-metaint'), '16000');
      assert.equal(a.headers.get('cache-control'), 'no-cache, no-store');
      assert.equal(a.headers.get('connection'), 'close');
      assert.equal(a.headers.has('transfer-encoding'), false);
      assert.equal(a.headers.has('content-length'), false);
      const plain = RawClient.get(s.port, false);
      await plain.until(() => plain.bytes > 0);
      assert.equal(plain.answer().headers.has('icy-metaint'), false);
      assert.equal(s.hub.listeners, 2);
    } finally {
      await s.close();
    }
  });

  it('bursts the last whole frames (at most burstBytes) at once, starting on a frame header, then streams pure MP3', async (t) => {
    const rng = new Random(testSeed(t, 14));
    const s = await station({ burstBytes: 65535, batchMs: 10 });
    try {
      const before = synthFrames(rng, 300);
      for (const f of before) s.hub.pushFrame(f);
      const burst = burstOf(before, 65535);
      assert.ok(sum(burst) > 65535 - 418 && sum(burst) <= 65535);
      const c = RawClient.get(s.port, false);
      await c.until(() => c.bytes > 0 && c.answer().body.length >= sum(burst));
      const body = c.answer().body;
      assert.equal(body.length, sum(burst), 'the burst is exactly the last whole frames');
      assert.ok(parseMp3Header(body, 0), 'the burst starts on a frame header');
      const live = synthFrames(rng, 40);
      for (const f of live) s.hub.pushFrame(f);
      await c.until(() => c.answer().body.length >= sum(burst) + sum(live));
      assert.ok(c.answer().body.equals(Buffer.concat([...burst, ...live])), 'after the head: the MP3 frames and nothing else');
      assert.equal(s.hub.counters.bytesOut, sum(burst) + sum(live));
    } finally {
      await s.close();
    }
  });

  it('puts a metadata block after every metaint bytes, with the title on change and L = 0 otherwise', async (t) => {
    const rng = new Random(testSeed(t, 1414));
    const metaint = 1000;
    // sliceListeners 1: every tick walks the listeners one per event-loop turn, frames arriving in between.
    const s = await station({ metaint, burstBytes: 4000, batchMs: 10, sliceListeners: 1 });
    try {
      const before = synthFrames(rng, 20);
      for (const f of before) s.hub.pushFrame(f);
      s.hub.setTitle('First');
      const withMeta = RawClient.get(s.port, true);
      const without = RawClient.get(s.port, false);
      const others = [RawClient.get(s.port, true), RawClient.get(s.port, true), RawClient.get(s.port, false)];
      // The model: each step's audio with the title current while it was sent; a block at k*metaint goes with the
      // step whose audio reaches it, and carries the title when it differs from the listener's previous block.
      const steps: { title: string; frames: Buffer[] }[] = [{ title: 'First', frames: burstOf(before, 4000) }];
      const plan: [string, number][] = [['First', 10], ['Second', 5], ['Second', 12], ["Don't ';stop' me now", 9], ['Åsa', 3]];
      const expected = { audio: 0, body: 0, blocks: [] as { at: number; title: string | undefined }[], last: undefined as string | undefined };
      const account = (title: string, frames: readonly Buffer[]): void => {
        const from = expected.audio;
        expected.audio += sum(frames);
        expected.body += sum(frames);
        for (let at = (Math.floor(from / metaint) + 1) * metaint; at <= expected.audio; at += metaint) {
          const carried = expected.last === title ? undefined : title;
          expected.last = title;
          expected.blocks.push({ at, title: carried });
          expected.body += carried === undefined ? 1 : encodeMetadataBlock(carried).length;
        }
      };
      account('First', steps[0]!.frames);
      // Every player tuned in (its burst came) before the live frames: a later one would get a later burst.
      for (const o of others) await o.until(() => o.bytes > 0);
      const settled = async (): Promise<void> => {
        await withMeta.until(() => withMeta.bytes > 0 && withMeta.answer().body.length >= expected.body);
        await without.until(() => without.bytes > 0 && without.answer().body.length >= expected.audio);
      };
      await settled();
      for (const [title, count] of plan) {
        s.hub.setTitle(title);
        const frames = synthFrames(rng, count);
        steps.push({ title: icyTitle(title), frames });
        account(icyTitle(title), frames);
        for (const f of frames) s.hub.pushFrame(f);
        await settled();
      }
      const all = Buffer.concat(steps.flatMap((step) => step.frames));
      const got = demux(withMeta.answer().body, metaint);
      assert.equal(withMeta.answer().body.length, expected.body);
      assert.ok(got.audio.equals(all), 'the audio between the blocks is the stream, byte for byte');
      assert.deepEqual(got.blocks, expected.blocks);
      assert.deepEqual(
        got.blocks.flatMap((b) => (b.title === undefined ? [] : [b.title])),
        ['First', 'Second', "Don't ' ;stop' me now", 'Åsa'],
      );
      assert.ok(without.answer().body.equals(all), 'a player without metadata gets the stream alone');
      for (const o of others) await o.until(() => o.answer().body.length >= (o.answer().headers.has('icy-metaint') ? expected.body : expected.audio));
      const [a, b, c] = others.map((o) => o.answer());
      assert.ok(a!.body.equals(withMeta.answer().body) && b!.body.equals(withMeta.answer().body), 'same bytes for players tuned in together');
      assert.ok(c!.body.equals(all));
    } finally {
      await s.close();
    }
  });

  it('cuts a listener that never reads once its queue passes queueBytes; the others get every byte', async (t) => {
    const rng = new Random(testSeed(t, 7));
    const s = await station({ burstBytes: 4096, queueBytes: 65536, batchMs: 5, sliceListeners: 1 });
    try {
      const frame = synthFrames(rng, 64);
      const reader = RawClient.get(s.port, false);
      const stuck = RawClient.get(s.port, true);
      await reader.until(() => reader.bytes > 0);
      await stuck.until(() => stuck.bytes > 0);
      stuck.socket.pause();
      let pushed = 0;
      for (let round = 0; round < 400 && s.hub.counters.cut === 0; round++) {
        for (let i = 0; i < 160; i++) {
          const f = frame[(round * 160 + i) % frame.length]!;
          s.hub.pushFrame(f);
          pushed += f.length;
        }
        await sleep(2);
      }
      t.diagnostic(`stuck listener cut after ${pushed} bytes pushed`);
      assert.equal(s.hub.counters.cut, 1, `the stuck listener is cut (after ${pushed} bytes pushed)`);
      assert.equal(s.hub.listeners, 1);
      await sleep(20);
      await reader.until(() => reader.answer().body.length >= pushed);
      assert.equal(reader.answer().body.length, pushed, 'the reader got everything, and it is still connected');
      assert.equal(reader.socket.destroyed, false);
      stuck.socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('refuses a player past maxListeners with 503 and ERR_LIMIT_LISTENERS', async () => {
    const s = await station({ maxListeners: 1 });
    try {
      const first = RawClient.get(s.port, false);
      await first.until(() => first.bytes > 0);
      const second = RawClient.get(s.port, false);
      await second.closed;
      const a = second.answer();
      assert.equal(a.statusLine, 'HTTP/1.1 503 Service Unavailable');
      assert.match(a.body.toString('utf8'), /^ERR_LIMIT_LISTENERS: \/live has its maximum of 1 listeners/);
      assert.deepEqual([s.hub.counters.refused, s.hub.counters.accepted, s.hub.listeners, s.hub.peak], [1, 1, 1, 1]);
    } finally {
      await s.close();
    }
  });

  it('answers HEAD with the headers only, and other methods with 405', async () => {
    const s = await station();
    try {
      s.hub.pushFrame(synthFrames(new Random(1), 1)[0]!);
      const head = RawClient.get(s.port, true, 'HEAD');
      await head.closed;
      const a = head.answer();
      assert.equal(a.statusLine, 'HTTP/1.1 200 OK');
      assert.equal(a.headers.get('icy-metaint'), '16000');
      assert.equal(a.body.length, 0);
      const post = RawClient.get(s.port, false, 'POST');
      await post.closed;
      assert.equal(post.answer().statusLine, 'HTTP/1.1 405 Method Not Allowed');
      assert.equal(post.answer().headers.get('allow'), 'GET, HEAD');
      assert.deepEqual([s.hub.counters.accepted, s.hub.listeners], [0, 0]);
    } finally {
      await s.close();
    }
  });

  it('close() ends every listener and answers later players 404; bad frames are counted, not sent', async () => {
    const s = await station();
    try {
      const c = RawClient.get(s.port, false);
      await c.until(() => c.bytes > 0);
      s.hub.pushFrame(Buffer.from('not an mp3 frame'));
      s.hub.pushFrame(Buffer.alloc(0));
      assert.equal(s.hub.counters.badFrames, 2);
      s.hub.close();
      await c.closed;
      assert.equal(c.answer().body.length, 0);
      assert.equal(s.hub.listeners, 0);
      const late = RawClient.get(s.port, false);
      await late.closed;
      assert.equal(late.answer().statusLine, 'HTTP/1.1 404 Not Found');
    } finally {
      await s.close();
    }
  });

  it('refuses invalid options and mounts with a RangeError', () => {
    assert.throws(() => new MountListeners(INFO, { metaint: 0 }), RangeError);
    assert.throws(() => new MountListeners(INFO, { burstBytes: 100_000, queueBytes: 65536 }), RangeError);
    assert.throws(() => new MountListeners(INFO, { batchMs: 0.5 }), RangeError);
    assert.throws(() => new MountListeners(INFO, { sliceListeners: 0 }), RangeError);
    assert.throws(() => new MountListeners({ ...INFO, mount: 'live' }), RangeError);
    assert.equal(new MountListeners(INFO, { metaint: undefined }).settings.metaint, 16000);
  });
});
