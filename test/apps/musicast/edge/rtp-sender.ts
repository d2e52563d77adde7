/**
 * The sender of the netns multicast-edge test, run inside the sender's namespace:
 * `node --import tsx rtp-sender.ts <interface> <group> <port> <file.mp3>` sends the file's frames as RTP/MPA to the
 * group through an RtpMulticastEdge at real-time pace, then prints the edge's counters as one JSON line.
 */

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { RtpMulticastEdge } from '../../../../src/apps/musicast/edge/multicast-edge.ts';
import { Mp3FrameSplitter } from '../../../../src/apps/musicast/mp3/frame-splitter.ts';
import { RtpFramer } from '../../../../src/apps/musicast/rtp-framer.ts';

const [iface, group, port, file] = process.argv.slice(2);
if (!iface || !group || !port || !file) throw new Error('usage: rtp-sender.ts <interface> <group> <port> <file.mp3>');

const frames = new Mp3FrameSplitter().push(readFileSync(file));
const edge = new RtpMulticastEdge({ interface: iface, group, port: Number(port) });
await edge.start();
const framer = new RtpFramer();
const t0 = performance.now();
let audioMs = 0;
for (const { bytes, header } of frames) {
  for (const packet of framer.packetsOf(bytes, header.sampleRate, header.samplesPerFrame)) edge.send(packet);
  audioMs += (header.samplesPerFrame * 1000) / header.sampleRate;
  const ahead = audioMs - (performance.now() - t0);
  if (ahead > 0) await sleep(ahead);
}
edge.close();
process.stdout.write(`${JSON.stringify({ frames: frames.length, ...edge.counters })}\n`);
