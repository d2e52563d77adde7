/**
 * Experiment 3: a UDP channel. The upstream fake sends DATA datagrams (type byte 16 + a data packet) from its
 * advertised port to the SCX's UDP port at a fixed rate; the SCX forwards each as a datagram to the four
 * downstream fakes. Sent, received per sink, loss and delay are counted by sequence number over a fixed window,
 * and the SCX's CPU per datagram it took in. Against a secure SCX every datagram carries its 16-byte tag both ways
 * (the fakes seal and open with UdpKeys, keyed from their TLS control connections): the SCX opens 1 and seals 4
 * per datagram in.
 */

import { CHANNEL, Cluster, counterDelta, type ScxCounters } from './cluster.ts';
import { startPaced } from './pacer.ts';
import { systemCpu } from './procs.ts';
import { modeName, type Security } from './security.ts';
import { progress, quantileSorted, Samples, sleep, waitFor, wallMs } from './util.ts';
import { PacketTemplate } from './wire.ts';

export interface UdpOptions {
  readonly seed: number;
  readonly rate: number;
  readonly payloadBytes: number;
  readonly warmupMs: number;
  readonly windowMs: number;
}

export interface UdpResult {
  /** The SCX secure (tags on every DATA datagram) or --insecure. */
  readonly security: Security;
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
  /** Delay from the source's stamp to a sink (tag opened when secure), over the window's datagrams at all sinks, µs. */
  readonly p50Us: number;
  readonly p99Us: number;
  /** The SCX's CPU over the window, fraction of one core, and per datagram it took in (4 out each), µs. */
  readonly scxCpu: number;
  readonly scxCpuPerDatagramUs: number;
  /** Datagrams the fakes dropped: their tag did not verify (secure only; 0 expected). */
  readonly fakesUnauthenticated: number;
  /** The SCX's own counters over the window and the stragglers: packets in and out, drops, UDP send errors. */
  readonly scx: ScxCounters;
}

/** How long stragglers of the window may take to arrive after it ends, ms. */
const STRAGGLE_MS = 500;

export async function runUdp(o: UdpOptions, security: Security): Promise<UdpResult> {
  const cluster = await Cluster.start({ label: `udp-${security}`, sessions: 1, transport: 'udp', seed: o.seed, security });
  try {
    const sid = cluster.sessionIds[0] as Buffer;
    const up = cluster.upstream;
    let lo = Infinity;
    let hi = Infinity;
    const total = [0, 0, 0, 0];
    const inWindow = [0, 0, 0, 0];
    const delays = new Samples();
    cluster.downstreams.forEach((d, i) => {
      d.udpSink = (datagram) => {
        if (datagram.length < 1 + 31) return;
        const seq = datagram.readUInt32BE(1 + 19);
        total[i] = (total[i] as number) + 1;
        if (seq >= lo && seq < hi) {
          inWindow[i] = (inWindow[i] as number) + 1;
          delays.push((wallMs() - datagram.readDoubleBE(1 + 23)) * 1000);
        }
      };
    });
    const unauthenticated = (): number => cluster.downstreams.reduce((a, d) => a + d.stats.unauthenticated, 0);
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
    let cpu0 = 0;
    let cpu1 = 0;
    let unauth0 = 0;
    let other = NaN;
    try {
      await waitFor(() => total.every((n) => n > 0), 15_000, `all 4 downstream fakes to receive datagrams (${modeName(security)})`);
      await sleep(o.warmupMs);
      scx0 = await cluster.counters();
      unauth0 = unauthenticated();
      const done = systemCpu([cluster.scx.pid]);
      cpu0 = cluster.scx.cpuSeconds();
      lo = src.nextSeq;
      t0 = performance.now();
      await sleep(o.windowMs);
      hi = src.nextSeq;
      t1 = performance.now();
      cpu1 = cluster.scx.cpuSeconds();
      other = done().otherCores;
    } finally {
      src.stop();
    }
    await sleep(STRAGGLE_MS);
    const scx = counterDelta(scx0 as ScxCounters, await cluster.counters());
    const sent = hi - lo;
    const received = inWindow.reduce((a, b) => a + b, 0);
    const dt = (t1 - t0) / 1000;
    const sorted = delays.sorted();
    const r: UdpResult = {
      security,
      rate: o.rate,
      payloadBytes: o.payloadBytes,
      windowMs: Math.round(t1 - t0),
      sent,
      sentPerS: sent / dt,
      receivedPerSink: inWindow,
      receivedPerS: received / dt,
      lost: 4 * sent - received,
      lossFraction: sent > 0 ? (4 * sent - received) / (4 * sent) : NaN,
      p50Us: quantileSorted(sorted, 0.5),
      p99Us: quantileSorted(sorted, 0.99),
      scxCpu: (cpu1 - cpu0) / dt,
      scxCpuPerDatagramUs: sent > 0 ? ((cpu1 - cpu0) * 1e6) / sent : NaN,
      fakesUnauthenticated: unauthenticated() - unauth0,
      scx,
    };
    progress(
      `udp ${modeName(security)}: sent ${sent} (${r.sentPerS.toFixed(0)}/s), received ${inWindow.join(' / ')}, lost ${r.lost}, ` +
        `delay p50 ${r.p50Us.toFixed(0)} us p99 ${r.p99Us.toFixed(0)} us, SCX CPU ${(r.scxCpu * 100).toFixed(0)}% ` +
        `(${r.scxCpuPerDatagramUs.toFixed(1)} us per datagram in); other processes ${other.toFixed(2)} cores`,
    );
    return r;
  } finally {
    await cluster.stop();
  }
}
