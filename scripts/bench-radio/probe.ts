/**
 * Delay probes: a few listeners in the bench process itself (the same clock as the marker source) that read the
 * whole stream of one node and note when each marker (marker-source.ts) arrives. The delay of a marker is its
 * arrival here minus its write() at the source: ingest, the overlay, the node's listener queue and batching,
 * and loopback TCP twice. Only markers sent inside the window count (the burst a probe got on connect is old audio).
 */

import { connect, type Socket } from 'node:net';
import { quantileSorted, waitFor } from '../bench-dataplane/util.ts';
import type { Endpoint } from './fleet.ts';
import { responseHead } from './http-head.ts';
import { MARKER, type MarkerSource } from './marker-source.ts';

/** Most markers a probe remembers (seconds of stream). */
const KEEP_MARKERS = 1200;
/** Markers sent in the window's last this many ms are not counted (they may still be on their way). */
const TAIL_MS = 3000;

/** One node's end-to-end delay over the window, ms, over every probe of it. */
export interface NodeDelay {
  /** Marker arrivals counted (of `DelayResult.sent` x probes). */
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The delay per node, and how many markers the source sent in the window (each probe should see each). */
export interface DelayResult {
  readonly sent: number;
  readonly probesPerNode: number;
  readonly perNode: NodeDelay[];
}

/** One listener of one node that notes marker arrivals. */
class MarkerProbe {
  /** Arrival time (performance.now, ms) of each marker seen, by sequence number. */
  readonly seenAt = new Map<number, number>();
  private readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private body = false;

  constructor(e: Endpoint) {
    this.socket = connect({ host: e.host, port: e.port });
    this.socket.once('connect', () => this.socket.write(`GET ${e.mount} HTTP/1.0\r\nHost: ${e.host}:${e.port}\r\nIcy-MetaData: 0\r\n\r\n`));
    this.socket.on('data', (chunk: Buffer) => this.take(chunk));
    this.socket.on('error', () => this.socket.destroy());
  }

  private take(chunk: Buffer): void {
    const now = performance.now();
    let buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.body) {
      const head = responseHead(buf);
      if (head === undefined) {
        this.buf = buf;
        return;
      }
      if (head === 'too-long' || !head.ok) {
        this.socket.destroy();
        return;
      }
      this.body = true;
      buf = buf.subarray(head.bodyStart);
    }
    let from = 0;
    for (let i = buf.indexOf(MARKER); i >= 0; i = buf.indexOf(MARKER, i + 1)) {
      if (i + MARKER.length + 4 > buf.length) break;
      const seq = buf.readUInt32BE(i + MARKER.length);
      if (!this.seenAt.has(seq)) this.seenAt.set(seq, now);
      this.seenAt.delete(seq - KEEP_MARKERS);
      from = i + MARKER.length + 4;
    }
    // Keep what could be the start of a marker cut by the chunk's end.
    this.buf = Buffer.from(buf.subarray(Math.max(from, buf.length - (MARKER.length + 3))));
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }
}

/** Probes on every node, measuring the delay from `source` over a window. */
export class DelayProbes {
  private readonly probes: MarkerProbe[][];
  private windowStart = NaN;
  private windowEnd = NaN;

  /** Connects `perNode` probes to each endpoint and waits until each has seen a marker (the stream reached every node), bounded. */
  static async start(endpoints: readonly Endpoint[], perNode: number, source: Pick<MarkerSource, 'sentAt'>, timeoutMs = 30_000): Promise<DelayProbes> {
    const d = new DelayProbes(endpoints, perNode, source);
    try {
      await waitFor(() => d.probes.every((node) => node.every((p) => p.seenAt.size > 0)), timeoutMs, `a marker at every probe of ${endpoints.length} node(s)`);
    } catch (err) {
      d.close();
      throw err;
    }
    return d;
  }

  private constructor(
    endpoints: readonly Endpoint[],
    private readonly perNode: number,
    private readonly source: Pick<MarkerSource, 'sentAt'>,
  ) {
    this.probes = endpoints.map((e) => Array.from({ length: perNode }, () => new MarkerProbe(e)));
  }

  /** Starts the window. */
  start(): void {
    this.windowStart = performance.now();
  }

  /** Ends the window. */
  end(): void {
    this.windowEnd = performance.now();
  }

  /** The delays of the markers sent in [start, end - TAIL_MS]; a marker a probe never saw is not in its figures. */
  result(): DelayResult {
    const counted = [...this.source.sentAt].filter(([, t]) => t >= this.windowStart && t <= this.windowEnd - TAIL_MS);
    const perNode = this.probes.map((node) => {
      const delays = node.flatMap((p) => counted.flatMap(([seq, sent]) => (p.seenAt.has(seq) ? [(p.seenAt.get(seq) as number) - sent] : [])));
      const s = Float64Array.from(delays).sort();
      return { n: s.length, p50: quantileSorted(s, 0.5), p99: quantileSorted(s, 0.99), max: s.length > 0 ? (s[s.length - 1] as number) : NaN };
    });
    return { sent: counted.length, probesPerNode: this.perNode, perNode };
  }

  /** Closes every probe (its figures stay). */
  close(): void {
    for (const node of this.probes) for (const p of node) p.close();
  }
}
