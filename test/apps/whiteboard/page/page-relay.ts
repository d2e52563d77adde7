/**
 * A TEST DOUBLE of the whiteboard edge, for the pages' own browser test only: a loopback HTTP server that serves
 * the page files under /whiteboard/, answers /v1/whiteboard/attach with itself, and relays the WebSocket protocol
 * of contract section 3 between one presenter and its viewers (latest version per object kept for late joiners;
 * no overlay, no ADUs, no transcoding). The real edge and the real end-to-end test are elsewhere (parts B and F).
 */

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

const PAGE_DIR = new URL('../../../../src/apps/whiteboard/page/', import.meta.url);
const FILE_NAME = /^[a-z-]+\.(html|js|css)$/;
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** One stored object version, and an image's bytes. */
interface Stored {
  readonly json: string;
  readonly bytes?: Buffer;
}

/** A client as the relay sees it. */
export interface RelayClient {
  readonly socket: WebSocket;
  readonly role: string;
  readonly device: string;
  /** Slides reported in `view` messages, in order. */
  readonly views: number[];
}

/** The running relay. */
export interface PageRelay {
  /** `http://127.0.0.1:port` */
  readonly origin: string;
  readonly clients: RelayClient[];
  /** Sends raw frames to the client that said hello last (for the hostile-input test). */
  toLatest(frames: Array<string | Buffer>): void;
  close(): Promise<void>;
}

/** Starts a relay for the presentation `talk`; the presenter's credential is `secret`. */
export async function startPageRelay(secret: string, title = 'Relay talk'): Promise<PageRelay> {
  const objects = new Map<string, Stored>();
  const clients: RelayClient[] = [];
  let current: number | null = null;
  let nextId = 1;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname === '/v1/whiteboard/attach') {
      const { port } = server.address() as AddressInfo;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ session: url.searchParams.get('session') || 'scast://relay/talk', scx: `127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/v1/whiteboard` }));
      return;
    }
    const file = url.pathname.startsWith('/whiteboard/') ? url.pathname.slice('/whiteboard/'.length) || 'index.html' : '';
    const ext = FILE_NAME.exec(file)?.[1];
    if (!ext) {
      res.writeHead(404).end();
      return;
    }
    readFile(new URL(file, PAGE_DIR)).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[ext] as string, 'cache-control': 'no-cache' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/v1/whiteboard?')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  const others = (from: WebSocket): RelayClient[] => clients.filter((c) => c.socket !== from && c.socket.readyState === c.socket.OPEN);

  function serve(ws: WebSocket): void {
    let me: RelayClient | undefined;
    let image: string | undefined; // an image's JSON waiting for its bytes
    ws.on('message', (data: RawData, binary: boolean) => {
      if (binary) {
        if (image === undefined) return;
        const bytes = Buffer.from(data as Buffer);
        keep(image, bytes);
        for (const c of others(ws)) {
          c.socket.send(image);
          c.socket.send(bytes);
        }
        image = undefined;
        return;
      }
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      if (!me) return hello(m);
      if (m.t === 'view' && typeof m.slide === 'number') me.views.push(m.slide);
      if (me.role !== 'present') return;
      if (m.t === 'current' && typeof m.slide === 'number') {
        current = m.slide;
        for (const c of others(ws)) c.socket.send(JSON.stringify({ t: 'current', slide: current }));
      } else if (m.t === 'obj') {
        const { final: _final, ...out } = m;
        nextId = Math.max(nextId, Number(m.id) + 1);
        const json = JSON.stringify(out);
        if (m.kind === 'image') {
          image = json;
          return;
        }
        keep(json);
        for (const c of others(ws)) c.socket.send(json);
      }
    });

    function hello(m: Record<string, unknown>): void {
      const role = m.role === 'present' ? 'present' : 'view';
      if (role === 'present' && m.credential !== secret) {
        ws.send(JSON.stringify({ t: 'refused', code: 'ERR_WB_CREDENTIAL', message: 'the presenter credential is wrong' }));
        ws.close();
        return;
      }
      const device = m.device === 'small' || Number(m.width) < 640 ? 'small' : 'desktop';
      me = { socket: ws, role, device, views: [] };
      clients.push(me);
      ws.send(JSON.stringify({ t: 'welcome', session: 'scast://relay/talk', presentation: 'talk', title, scx: 'relay', role, device, current, nextId }));
      for (const s of objects.values()) {
        ws.send(s.json);
        if (s.bytes) ws.send(s.bytes);
      }
    }
  }

  function keep(json: string, bytes?: Buffer): void {
    const m = JSON.parse(json) as { slide: number; id: number };
    objects.set(`${m.slide}:${m.id}`, bytes ? { json, bytes } : { json });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    clients,
    toLatest(frames) {
      for (const f of frames) clients.at(-1)?.socket.send(f);
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
