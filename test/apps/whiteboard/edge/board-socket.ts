/**
 * A whiteboard browser in Node for the edge's tests: a `ws` client that records every message (JSON frames parsed,
 * binary frames attached to the image object before them) and waits for conditions on them.
 */

import WebSocket from 'ws';

/** One message the SCX sent, with the bytes of the binary frame that followed it (an image). */
export interface Received {
  readonly m: Record<string, unknown>;
  /** When it arrived, performance.now() ms. */
  readonly at: number;
  bytes?: Buffer;
}

/** A test browser. */
export interface BoardSocket {
  readonly ws: WebSocket;
  /** Every message so far, in order. */
  readonly got: Received[];
  /** Whether the SCX closed the socket, and with what close code. */
  readonly closed: { done: boolean; code?: number };
  send(m: Record<string, unknown>): void;
  /** Resolves with the first message (from `from` on) that passes `test`; rejects after `ms`. */
  wait(test: (r: Received) => boolean, ms?: number, from?: number): Promise<Received>;
  /** Resolves once the socket is closed; rejects after `ms`. */
  waitClosed(ms?: number): Promise<void>;
  close(): void;
}

/** Polls `cond` every 10 ms until true; rejects with `what` (read then, if a function) after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens `url` (from `localAddress`, a loopback address, if given) and resolves once it is open. */
export async function openBoard(url: string, localAddress?: string): Promise<BoardSocket> {
  const ws = new WebSocket(url, localAddress === undefined ? {} : { localAddress });
  const got: Received[] = [];
  const closed: { done: boolean; code?: number } = { done: false };
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (binary) {
      const last = got.at(-1);
      if (last) last.bytes = data;
      return;
    }
    got.push({ m: JSON.parse(data.toString('utf8')) as Record<string, unknown>, at: performance.now() });
  });
  ws.on('close', (code) => Object.assign(closed, { done: true, code }));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return {
    ws,
    got,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    async wait(test, ms = 5000, from = 0) {
      let found: Received | undefined;
      await until(() => (found = got.slice(from).find(test)) !== undefined, ms, 'a message');
      return found as Received;
    },
    waitClosed: (ms = 5000) => until(() => closed.done, ms, 'the socket to close'),
    close: () => ws.close(),
  };
}
