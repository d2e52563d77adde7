/**
 * A peer (a member of the overlay: the links are TLS) may send control frames as fast as its link allows, and each
 * one costs the node a decode and a dispatch.
 * Now each control connection has a byte rate (`controlBytesPerSecond`, bursts of twice that): frames past it are
 * dropped and counted, and the connection stays. This sends a valid control hello, then floods frames far above
 * the rate for a while, and checks that the node passed on no more than the rate allows, counted the rest, kept
 * the connection, served its client throughout, and stayed within a memory bound. Malformed frames, once counted
 * but never logged, are logged too, with the count, in a bounded number of lines.
 */

import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/daemon/log.ts';
import { builtinRegistry } from '../../src/daemon/module-loader.ts';
import { ScxNode } from '../../src/daemon/scx-node.ts';
import { gossamerFrame } from '../../src/net/control-frame.ts';
import { freePort } from '../../src/net/free-port.ts';
import { encodeFrames } from '../../src/net/frame-decoder.ts';
import { MAX_FRAME_BYTES } from '../../src/net/framed-connection.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { attackedNode } from '../support/live-node.ts';
import { holdTcp } from '../support/raw-peer.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The node's control byte rate here, bytes/s (bursts of twice that). */
const RATE = 64 * 1024;
/** How long the flood lasts, ms. */
const FLOOD_MS = 2000;
/** Bytes of one flood frame's Gossamer payload. */
const PAYLOAD_BYTES = 1000;
/** Frames in one write of the flood. */
const FRAMES_PER_WRITE = 64;
const MIB = 1024 * 1024;
/** What the node may keep once the flood is read: its connection's bucket and counters, a partial frame; no frame, bytes. */
const RETAINED_BOUND_BYTES = MAX_FRAME_BYTES + 4 * MIB;
/**
 * How far the process's resident size may grow during the flood: the node holds one read's frames at a time, the
 * rest is garbage that V8's young generation and the allocator hold until collected (both ends run in this process), bytes.
 */
const PEAK_RSS_BOUND_BYTES = 128 * MIB;
/** Malformed frames in the logging flood, and the logger's repeat limit there: lines a message per window, ms. */
const MALFORMED = 5000;
const REPEAT_MAX = 20;
const WINDOW_MS = 500;

/** The JS heap and the Buffers' memory after full collections a moment apart, bytes (not the runtime's other external memory). */
async function liveBytes(): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('a flood of control frames', { timeout: 60_000 }, () => {
  const attacked = attackedNode(1000, { controlBytesPerSecond: RATE });

  it('past the byte rate is dropped and counted; the connection stays and the node serves on', async (t) => {
    // Frames for a session the node does not host: each one passed on is counted as such, so the test sees how many passed.
    const frame = gossamerFrame(new Uint8Array(16).fill(0xee), new Uint8Array(PAYLOAD_BYTES));
    const burst = encodeFrames(Array.from({ length: FRAMES_PER_WRITE }, () => frame));
    const member = attacked.sinks.addresses[0] as string;
    const peer = holdTcp(attacked.live.port, encodeFrames([encodeHello({ kind: 'control', from: member })]), '127.0.0.1', member);
    await new Promise((r) => peer.socket.once('secureConnect', r));
    const unknown0 = await attacked.live.metric('scattercast_unknown_session_total');
    const before = await liveBytes();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);

    const serving = attacked.live.serves();
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < FLOOD_MS && !peer.socket.destroyed) {
      sent += FRAMES_PER_WRITE;
      if (!peer.socket.write(burst)) await new Promise((r) => peer.socket.once('drain', r));
    }
    const floodMs = performance.now() - started;
    clearInterval(sampler);
    await serving;
    // The node may still be reading what the kernel holds: wait until every frame sent is either passed or dropped.
    const counted = async (): Promise<[number, number]> => [
      (await attacked.live.metric('scattercast_unknown_session_total')) - unknown0,
      await attacked.live.metric('scattercast_control_frames_dropped_total'),
    ];
    let [passed, dropped] = await counted();
    while (passed + dropped < sent && performance.now() - started < FLOOD_MS + 5000) {
      await new Promise((r) => setTimeout(r, 50));
      [passed, dropped] = await counted();
    }
    const allowed = Math.ceil((2 * RATE + (RATE * (performance.now() - started)) / 1000) / frame.length);
    const retained = (await liveBytes()) - before;
    t.diagnostic(`${sent} frames of ${frame.length} bytes sent in ${Math.round(floodMs)} ms (${((sent * frame.length) / MIB / (floodMs / 1000)).toFixed(1)} MiB/s): ${passed} passed (at most ${allowed}), ${dropped} dropped`);
    t.diagnostic(
      `memory: rss grew ${((rssPeak - rssBefore) / MIB).toFixed(1)} MiB at most during the flood (bound ${PEAK_RSS_BOUND_BYTES / MIB}); ` +
        `heap+buffers kept after it ${(retained / MIB).toFixed(1)} MiB (bound ${(RETAINED_BOUND_BYTES / MIB).toFixed(1)})`,
    );

    assert.equal(peer.socket.destroyed, false, 'the node closed the flooding connection');
    assert.ok(sent > 10 * allowed, `the flood (${sent} frames) was not well above the rate`);
    assert.ok(passed > 0 && passed <= allowed, `${passed} frames passed, the rate allows ${allowed}`);
    assert.equal(passed + dropped, sent, 'a frame neither passed nor counted as dropped');
    assert.ok(rssPeak - rssBefore <= PEAK_RSS_BOUND_BYTES, `the resident size grew ${((rssPeak - rssBefore) / MIB).toFixed(1)} MiB`);
    assert.ok(retained <= RETAINED_BOUND_BYTES, `the node kept ${(retained / MIB).toFixed(1)} MiB after the flood`);
    peer.socket.destroy();
    await attacked.live.serves();
    assert.equal(await attacked.live.metric('scattercast_callback_errors_total'), 0);
    assert.deepEqual(attacked.uncaught.errors, []);
  });

  it(`logs ${MALFORMED} malformed frames in a bounded number of lines, with the count`, async (t) => {
    const lines: Array<{ msg: string; malformed?: number; repeated?: string; suppressed?: number }> = [];
    const log = createLogger('warn', {}, { write: (l: string) => lines.push(JSON.parse(l)) }, { max: REPEAT_MAX, windowMs: WINDOW_MS });
    const node = new ScxNode({ listen: { host: '127.0.0.1', port: await freePort() }, gossamer: {}, seed: 1, registry: builtinRegistry(), log });
    await node.start();
    t.after(() => node.stop());
    const started = performance.now();
    const flood = holdTcp(
      Number(node.self.split(':')[1]),
      encodeFrames([encodeHello({ kind: 'control', from: attacked.sinks.addresses[0] as string }), ...Array.from({ length: MALFORMED }, () => Uint8Array.of(0xff))]),
    );
    t.after(() => flood.socket.destroy());
    const deadline = performance.now() + 10_000;
    while (node.counters.malformed < MALFORMED) {
      assert.ok(performance.now() < deadline, `${node.counters.malformed} of ${MALFORMED} malformed frames counted`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const windows = Math.ceil((performance.now() - started) / WINDOW_MS) + 1;
    await new Promise((r) => setTimeout(r, 2 * WINDOW_MS));

    const logged = lines.filter((l) => l.msg === 'dropped a malformed frame');
    const suppressed = lines.filter((l) => l.repeated === 'dropped a malformed frame').reduce((n, l) => n + (l.suppressed ?? 0), 0);
    t.diagnostic(`${logged.length} lines and ${suppressed} suppressed in summaries for ${MALFORMED} malformed frames; ${lines.length} lines in all`);
    assert.ok(logged.length > 0 && logged.length <= windows * REPEAT_MAX, `${logged.length} lines in ${windows} windows`);
    assert.equal(logged.length + suppressed, MALFORMED, 'a malformed frame neither logged nor counted in a summary');
    const counts = logged.map((l) => l.malformed ?? 0);
    assert.equal(counts[0], 1, 'the first line does not say the count so far');
    assert.ok(counts.every((n, i) => i === 0 || n > (counts[i - 1] as number)), 'the counts do not grow');
  });
});
