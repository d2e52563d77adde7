/**
 * The served side of listen-cpu.ts, run as its child (`node --import tsx listen-hub.ts [batchMs]`, an IPC channel): one
 * MountListeners behind a loopback HTTP server, fed synthetic 128 kbit/s MPEG-1 Layer III frames in real time, its
 * title changed every 10 s. Tells the parent its port ({type:'ready', port}), answers {type:'stats'} with its
 * counters and how late its event loop ran since the last {type:'mark'}; exits when the parent goes.
 */

import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MountListeners } from '../../src/apps/musicast/listen/mount-listeners.ts';
import { frameLength, headerBytes } from '../../src/services/rtp/wire/mp3-header.ts';

/** One frame of 1152 samples at 44.1 kHz, ms. */
const FRAME_MS = (1152 / 44100) * 1000;

/** Frames with and without the padding slot; padded as the encoder does to average exactly 16000 bytes/s. */
const frames = [false, true].map((padding) => {
  const frame = Buffer.alloc(frameLength('1', 128, 44100, padding), 0x55);
  frame.set(headerBytes({ version: '1', bitrateKbps: 128, sampleRate: 44100, padding, crc: false, channelMode: 'joint' }));
  return frame;
});

/** Whether frame `n` carries the padding slot: 417.96 bytes a frame on average (144 * 128000 / 44100). */
const padded = (n: number): boolean => Math.floor(((n + 1) * 144 * 128000) / 44100) - Math.floor((n * 144 * 128000) / 44100) === 418;

const batchMs = Number(process.argv[2] ?? 100);
const hub = new MountListeners({ mount: '/live', name: 'bench', bitrateKbps: 128 }, { maxListeners: 50_000, batchMs });
hub.setTitle('Bench - Title 0');
const server = createServer((req, res) => hub.accept(req, res));
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.send?.({ type: 'ready', port: (server.address() as { port: number }).port });
});

const t0 = performance.now();
let pushed = 0;
setInterval(() => {
  const due = Math.floor((performance.now() - t0) / FRAME_MS);
  for (; pushed < due; pushed++) hub.pushFrame(frames[padded(pushed) ? 1 : 0]!);
}, 10);
setInterval(() => hub.setTitle(`Bench - Title ${Math.round((performance.now() - t0) / 1000)}`), 10_000);

/** How late the event loop ran (its timers, the ticks among them) since the parent's last 'mark'. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

process.on('message', (m: { type: string }) => {
  if (m.type === 'mark') loopDelay.reset();
  const lateP99Ms = loopDelay.percentile(99) / 1e6;
  const lateMaxMs = loopDelay.max / 1e6;
  if (m.type === 'stats') process.send?.({ type: 'stats', listeners: hub.listeners, lateP99Ms, lateMaxMs, ...hub.counters });
});
process.on('disconnect', () => process.exit(0));
