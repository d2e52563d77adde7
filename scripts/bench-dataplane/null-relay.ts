/**
 * A reference for the latency figures, run as a child process: the least a relay in its own Node process can
 * do. It takes one incoming data connection and copies every chunk it reads, unparsed, to data connections it
 * dials to the sinks given on the command line (no Gossamer, no decoding, no scheduler).
 *
 * With `--trust STATE_DIR` (the secure mode) it is a member of the overlay in STATE_DIR (security.ts): it serves
 * and dials mutual TLS through PeerTrust, as the SCX does, so that it stays the floor of a relay with TLS.
 *
 * Usage (by the bench): node --import tsx null-relay.ts [--trust STATE_DIR] SINK_ADDRESS... ; prints "listening PORT" when ready.
 */

import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { decodeHello } from '../../src/net/hello.ts';
import { PeerTrust, startsTls } from '../../src/net/peer-trust.ts';
import { loadNodeIdentity } from '../../src/trust/node-identity.ts';
import { loadOverlay } from '../../src/trust/overlay.ts';
import { helloFrame } from './wire.ts';

const args = process.argv.slice(2);
const stateDir = args[0] === '--trust' ? args[1] : undefined;
const sinks = stateDir === undefined ? args : args.slice(2);
const outs: Socket[] = [];
let self = '';
let trust: PeerTrust | undefined;

/** Dials a sink: plaintext, or TLS (the sink checks our credential against our hello). */
function dial(host: string, port: number): Socket {
  if (!trust) return connect({ host, port });
  return trust.dial(host, port, 'data').tls;
}

function relayFrom(up: Socket): void {
  up.setNoDelay(true);
  up.on('error', () => undefined);
  let buf: Buffer = Buffer.alloc(0);
  const first = (chunk: Buffer): void => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
    up.off('data', first);
    const len = buf.readUInt32BE(0);
    const decoded = decodeHello(buf.subarray(4, 4 + len));
    if (!decoded.ok || decoded.value.kind !== 'data') return void up.destroy();
    const hello = decoded.value;
    for (const sink of sinks) {
      const i = sink.lastIndexOf(':');
      const s = dial(sink.slice(0, i), Number(sink.slice(i + 1)));
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.write(helloFrame({ kind: 'data', from: self, sessionId: hello.sessionId, channel: hello.channel }));
      outs.push(s);
    }
    const relay = (c: Buffer): void => {
      for (const s of outs) s.write(c);
    };
    up.on('data', relay);
    if (buf.length > 4 + len) relay(buf.subarray(4 + len));
  };
  up.on('data', first);
}

const server = createServer((tcp) => {
  const t = trust;
  if (!t) return relayFrom(tcp);
  tcp.on('error', () => undefined);
  tcp.once('data', (chunk: Buffer) => {
    tcp.pause();
    tcp.unshift(chunk);
    if (startsTls(chunk)) return relayFrom(t.serve(tcp));
    relayFrom(tcp);
    tcp.resume();
  });
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port;
  self = `127.0.0.1:${port}`;
  if (stateDir !== undefined) trust = new PeerTrust(loadNodeIdentity(stateDir, self, loadOverlay(join(stateDir, 'overlay'), false)));
  process.stdout.write(`listening ${port}\n`);
});
const stop = (): void => {
  for (const s of outs) s.destroy();
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
