/**
 * The attacks of issue 11, aimed at one node across the bridge from the bench's own address (one remote IP, as one
 * attacker would be). The shapes are the security tests': the random frames are test/support/hostile-frames.ts's
 * seeded actions; the others are built from the real encoders. Each runs for a bounded time, paced so that the
 * bench stays light, and says what it sent. Invented addresses lie in the bench's own /24, on hosts no node uses,
 * so that every packet they cause stays on the bridge. The random and partial frames come from an outsider (plaintext);
 * the DISCOVERY and NACK floods from a member of the nodes' overlay (TLS), since an outsider's would stop at the hello.
 */

import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { encodeMessage } from '../../src/gossamer/wire/codec.ts';
import { MAX_KNOWN_ENTRIES } from '../../src/gossamer/wire/limits.ts';
import { MessageType } from '../../src/gossamer/wire/messages.ts';
import { gossamerFrame, moduleFrame } from '../../src/net/control-frame.ts';
import { encodeFrames } from '../../src/net/frame-decoder.ts';
import { MAX_FRAME_BYTES } from '../../src/net/framed-connection.ts';
import { encodeHello } from '../../src/net/hello.ts';
import { encodeNack, MAX_NACK_RANGES } from '../../src/services/reliable/nack.ts';
import { hostileActionArb, type HostileAction } from '../../test/support/hostile-frames.ts';
import { memberCredentials } from '../../test/support/member.ts';
import type { Rng } from './rng.ts';
import { sleep } from './wait.ts';

/** The node under attack and what the attacks name. */
export interface AttackTarget {
  readonly host: string;
  readonly port: number;
  readonly sessionId: Uint8Array;
  /** Real SCX ids of the session. */
  readonly peers: readonly string[];
  /** The source's SCX id (NACKs name it). */
  readonly sourceScx: string;
  /** The data and reliable channels. */
  readonly channels: readonly number[];
  /** `10.x.0`: invented members are `10.x.0.<50..249>:<port>`. */
  readonly lanPrefix: string;
  /** The attacker's own address (the bench's on the bridge). */
  readonly attackerHost: string;
}

export interface Attack {
  readonly name: string;
  readonly what: string;
  run(t: AttackTarget, rng: Rng, ms: number): Promise<string>;
}

/** How long one short connection may take before it is dropped, ms. */
const CONNECTION_TIMEOUT_MS = 3000;

function open(t: AttackTarget): Socket {
  const s = connect({ host: t.host, port: t.port });
  s.on('error', () => undefined);
  s.resume();
  return s;
}

/** Writes `bytes` on a new connection, ends it, and resolves when it is closed (or after CONNECTION_TIMEOUT_MS). */
function shortConnection(t: AttackTarget, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const s = open(t);
    const timer = setTimeout(() => s.destroy(), CONNECTION_TIMEOUT_MS);
    s.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    s.end(bytes);
  });
}

/**
 * A control connection from a member of the nodes' overlay (TLS, a credential for `from`, its own address), so that its
 * frames reach the protocol past the link checks; it says hello as `from` and is kept open for writes; `closed()` tells
 * whether the node cut it.
 */
function controlConnection(t: AttackTarget, from: string): { socket: Socket; closed: () => boolean } {
  const s = tlsConnect({ socket: connect({ host: t.host, port: t.port }), ...memberCredentials(from), rejectUnauthorized: false });
  s.on('error', () => undefined);
  s.resume();
  let closed = false;
  s.on('close', () => (closed = true));
  s.write(encodeFrames([encodeHello({ kind: 'control', from })]));
  return { socket: s, closed: () => closed };
}

const invented = (t: AttackTarget, rng: Rng): string => `${t.lanPrefix}.${50 + rng.below(200)}:${1024 + rng.below(64_000)}`;

/** Writes when the socket drains, never piling up more than `cap` bytes in the bench's own buffer. */
/**
 * Writes `frames()` on one control connection every `everyMs` for `ms`, dialling again (as `from()`) when the node
 * cuts it. Returns the frames written and the reconnections.
 */
async function floodControl(t: AttackTarget, ms: number, from: () => string, everyMs: number, frames: () => Uint8Array[]): Promise<{ sent: number; reconnects: number }> {
  const end = Date.now() + ms;
  let conn = controlConnection(t, from());
  let sent = 0;
  let reconnects = 0;
  try {
    while (Date.now() < end) {
      if (conn.closed()) {
        reconnects++;
        conn = controlConnection(t, from());
      }
      const batch = frames();
      if (writeBounded(conn.socket, encodeFrames(batch))) sent += batch.length;
      await sleep(everyMs);
    }
  } finally {
    conn.socket.destroy();
  }
  return { sent, reconnects };
}

function writeBounded(s: Socket, bytes: Uint8Array, cap = 4 << 20): boolean {
  if (s.destroyed || s.writableLength > cap) return false;
  s.write(bytes);
  return true;
}

export const ATTACKS: readonly Attack[] = [
  {
    name: 'random frames',
    what: 'seeded hostile actions (hellos of every kind, garbled Gossamer and module frames, data packets, junk, UDP probes and data)',
    async run(t, rng, ms) {
      const target = { sessionId: t.sessionId, channel: t.channels[0] as number, peers: [...t.peers] };
      const actions: HostileAction[] = fc.sample(hostileActionArb(target), { seed: rng.u32() | 0, numRuns: 2000 });
      const udp = createSocket('udp4');
      udp.on('error', () => undefined);
      const end = Date.now() + ms;
      let done = 0;
      try {
        while (Date.now() < end) {
          const batch = Array.from({ length: 40 }, (_, k) => actions[(done + k) % actions.length] as HostileAction);
          await Promise.all(
            batch.map((a) =>
              a.kind === 'datagram'
                ? new Promise<void>((r) => udp.send(a.bytes, t.port, t.host, () => r()))
                : shortConnection(t, a.kind === 'frames' ? encodeFrames(a.frames) : a.bytes),
            ),
          );
          done += batch.length;
          await sleep(50);
        }
      } finally {
        udp.close();
      }
      return `${done} actions`;
    },
  },
  {
    name: 'partial frames',
    what: 'connections each holding a partial 64 KiB frame (half before any hello, half after a control hello), 2000 tried',
    async run(t, rng, ms) {
      const end = Date.now() + ms;
      const sockets: Socket[] = [];
      let cut = 0;
      const partial = (): Buffer => {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(Math.min(MAX_FRAME_BYTES, 64 * 1024));
        return Buffer.concat([head, Buffer.alloc(60 * 1024, rng.below(256))]);
      };
      try {
        for (let k = 0; k < 2000 && Date.now() < end; k++) {
          const s = open(t);
          s.on('close', () => void cut++);
          if (k % 2 === 1) s.write(encodeFrames([encodeHello({ kind: 'control', from: invented(t, rng) })]));
          s.write(partial());
          sockets.push(s);
          if (k % 50 === 49) await sleep(50);
        }
        const opened = sockets.length;
        while (Date.now() < end) await sleep(250);
        return `${opened} connections opened, ${cut} cut by the node while held, ${opened - cut} held to the end`;
      } finally {
        for (const s of sockets) s.destroy();
      }
    },
  },
  {
    name: 'discovery members',
    what: `DISCOVERY messages each naming ${MAX_KNOWN_ENTRIES} invented members, 5 a second, on one control connection`,
    async run(t, rng, ms) {
      const { sent, reconnects } = await floodControl(t, ms, () => `${t.attackerHost}:${20_000 + rng.below(10_000)}`, 200, () => {
        const known = Array.from({ length: MAX_KNOWN_ENTRIES }, () => invented(t, rng));
        return [gossamerFrame(t.sessionId, encodeMessage({ type: MessageType.DISCOVERY, known, digest: new Uint8Array(0) }))];
      });
      return `${sent} DISCOVERY messages, ${sent * MAX_KNOWN_ENTRIES} invented members, ${reconnects} reconnects after the node cut the connection`;
    },
  },
  {
    name: 'NACK flood',
    what: `NACKs of ${MAX_NACK_RANGES} ranges naming the source, on the data and the reliable channel, ~2000 a second on one control connection`,
    async run(t, rng, ms) {
      const { sent, reconnects } = await floodControl(t, ms, () => `${t.attackerHost}:${30_000 + rng.below(10_000)}`, 50, () =>
        Array.from({ length: 100 }, (_, k) => {
          const ranges = Array.from({ length: MAX_NACK_RANGES }, () => ({ first: rng.u32(), count: 1 + rng.below(64) }));
          return moduleFrame(t.sessionId, t.channels[k % t.channels.length] as number, encodeNack(t.sourceScx, ranges));
        }),
      );
      return `${sent} NACKs, ${reconnects} reconnects after the node cut the connection`;
    },
  },
];
