/**
 * Experiment 3: a UDP channel. The upstream fake sends DATA datagrams (type byte 16 + a data packet) from its
 * advertised port to the SCX's UDP port at a fixed rate; the SCX forwards each as a datagram to the four
 * downstream fakes. Sent, received per sink and loss are counted by sequence number over a fixed window.
 */

import { CHANNEL, Cluster, counterDelta, type ScxCounters } from './cluster.ts';
import { startPaced } from './pacer.ts';
import { progress, sleep, waitFor } from './util.ts';
import { PacketTemplate } from './wire.ts';

export interface UdpOptions {
  readonly seed: number;
  readonly rate: number;
  readonly payloadBytes: number;
  readonly warmupMs: number;
  readonly windowMs: number;
}

export interface UdpResult {
  readonly rate: number;
  readonly payloadBytes: number;
  readonly windowMs: number;
  /** Datagrams the source sent in the window, and its achieved rate. */
  readonly sent: number;
  readonly sentPerS: number;
  /** Datagrams of the window each sink received. */
  readonly receivedPerSink: number[];
  readonly receivedPerS: number;
  readonly lost: number;
  readonly lossFraction: number;
  /** The SCX's own counters over the window and the stragglers: packets in and out, drops, UDP send errors. */
  readonly scx: ScxCounters;
}

/** How long stragglers of the window may take to arrive after it ends, ms. */
const STRAGGLE_MS = 500;

export async function runUdp(o: UdpOptions): Promise<UdpResult> {
  const cluster = await Cluster.start({ label: 'udp', sessions: 1, transport: 'udp', seed: o.seed });
  try {
    const sid = cluster.sessionIds[0] as Buffer;
    const up = cluster.upstream;
    let lo = Infinity;
    let hi = Infinity;
    const total = [0, 0, 0, 0];
    const inWindow = [0, 0, 0, 0];
    cluster.downstreams.forEach((d, i) => {
      d.udpSink = (datagram) => {
        if (datagram.length < 1 + 31) return;
        const seq = datagram.readUInt32BE(1 + 19);
        total[i] = (total[i] as number) + 1;
        if (seq >= lo && seq < hi) inWindow[i] = (inWindow[i] as number) + 1;
      };
    });
    const template = new PacketTemplate(sid, CHANNEL, up.address, o.payloadBytes);
    const port = cluster.scx.port;
    // Up to 100 ms of packets catch up after a stall of this process, so the offered rate stays the nominal one.
    const src = startPaced(
      o.rate,
      0,
      (count, seq, ts) => {
        for (let k = 0; k < count; k++) up.sendUdp(template.datagram(seq + k, ts), port);
        return count * template.bytes.length;
      },
      o.rate / 10,
    );
    let t0 = 0;
    let t1 = 0;
    let scx0: ScxCounters | undefined;
    try {
      await waitFor(() => total.every((n) => n > 0), 15_000, 'all 4 downstream fakes to receive datagrams');
      await sleep(o.warmupMs);
      scx0 = await cluster.counters();
      lo = src.nextSeq;
      t0 = performance.now();
      await sleep(o.windowMs);
      hi = src.nextSeq;
      t1 = performance.now();
    } finally {
      src.stop();
    }
    await sleep(STRAGGLE_MS);
    const scx = counterDelta(scx0 as ScxCounters, await cluster.counters());
    const sent = hi - lo;
    const received = inWindow.reduce((a, b) => a + b, 0);
    const dt = (t1 - t0) / 1000;
    const r: UdpResult = {
      rate: o.rate,
      payloadBytes: o.payloadBytes,
      windowMs: Math.round(t1 - t0),
      sent,
      sentPerS: sent / dt,
      receivedPerSink: inWindow,
      receivedPerS: received / dt,
      lost: 4 * sent - received,
      lossFraction: sent > 0 ? (4 * sent - received) / (4 * sent) : NaN,
      scx,
    };
    progress(`udp: sent ${sent} (${r.sentPerS.toFixed(0)}/s), received ${inWindow.join(' / ')}, lost ${r.lost}`);
    return r;
  } finally {
    await cluster.stop();
  }
}
