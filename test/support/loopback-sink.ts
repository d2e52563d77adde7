/**
 * Thousands of invented peers that all lead to the test: one UDP port, bound on every address of the host, so
 * that a datagram to any loopback address 127.x.y.z at that port reaches it and is counted. A node told of
 * `peer(0)`, `peer(1)`, ... can contact every one of them without one datagram leaving the host or reaching a
 * port the test does not own. No TCP listener stands behind them: a dial is refused by the kernel, never
 * accepted, so it proves no address to the node.
 */

import { createSocket } from 'node:dgram';

/** Most invented peers: 127.1.0.0 to 127.127.255.255. */
const MAX_PEERS = 127 << 16;

/** The sink and its count. */
export interface LoopbackSink {
  /** The UDP port every invented peer listens at. */
  readonly port: number;
  /** Datagrams received so far. */
  readonly datagrams: number;
  /** The i-th invented peer, `127.a.b.c:port` (never 127.0.x.y), 0 <= i < 127 x 65536. */
  peer(i: number): string;
  close(): void;
}

/** Binds the sink on a port the system picks. */
export async function openLoopbackSink(): Promise<LoopbackSink> {
  const socket = createSocket('udp4');
  let datagrams = 0;
  socket.on('message', () => void datagrams++);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '0.0.0.0', resolve));
  const { port } = socket.address();
  return {
    port,
    get datagrams() {
      return datagrams;
    },
    peer(i) {
      if (!(Number.isInteger(i) && i >= 0 && i < MAX_PEERS)) throw new RangeError(`peer ${i}: 0 <= i < ${MAX_PEERS}`);
      return `127.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}:${port}`;
    },
    close() {
      socket.close();
    },
  };
}
