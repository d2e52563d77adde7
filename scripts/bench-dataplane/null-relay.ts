/**
 * A reference for the latency figures, run as a child process: the least a relay in its own Node process can
 * do. It takes one incoming data connection and copies every chunk it reads, unparsed, to data connections it
 * dials to the sinks given on the command line (no Gossamer, no decoding, no scheduler).
 *
 * Usage (by the bench): node --import tsx null-relay.ts SINK_ADDRESS... ; prints "listening PORT" when ready.
 */

import { connect, createServer, type Socket } from 'node:net';
import { decodeHello } from '../../src/net/hello.ts';
import { helloFrame } from './wire.ts';

const sinks = process.argv.slice(2);
const outs: Socket[] = [];
const server = createServer((up) => {
  up.setNoDelay(true);
  let buf: Buffer = Buffer.alloc(0);
  const first = (chunk: Buffer): void => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
    up.off('data', first);
    const len = buf.readUInt32BE(0);
    const decoded = decodeHello(buf.subarray(4, 4 + len));
    if (!decoded.ok || decoded.value.kind !== 'data') return void up.destroy();
    const hello = decoded.value;
    const self = `127.0.0.1:${(server.address() as { port: number }).port}`;
    for (const sink of sinks) {
      const i = sink.lastIndexOf(':');
      const s = connect({ host: sink.slice(0, i), port: Number(sink.slice(i + 1)) });
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
  up.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
const stop = (): void => {
  for (const s of outs) s.destroy();
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
