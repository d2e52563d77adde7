/**
 * Serves the live dashboard on an HTTP server: the page under `/dashboard/` and a snapshot pushed once a second
 * over a WebSocket at `/v1/live` to every open page.
 */

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DashboardSnapshot } from './snapshot.ts';

/** Content types of the page's files, by extension; a file name is lower-case letters and dashes only, so no path escapes the folder. */
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const FILE_NAME = /^[a-z-]+\.(html|js|css)$/;
const PAGE_DIR = new URL('./page/', import.meta.url);

/** Time between pushes, ms. */
export const PUSH_INTERVAL_MS = 1000;

/** The dashboard of one HTTP server. */
export class DashboardServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private timer: NodeJS.Timeout | undefined;
  private pushing = false;

  constructor(private readonly snapshot: () => Promise<DashboardSnapshot>) {}

  /** Serves `/` (a redirect) and `/dashboard/...`; false if the request is not the dashboard's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method !== 'GET') return false;
    if (path === '/' || path === '/dashboard') {
      res.writeHead(302, { location: '/dashboard/' });
      res.end();
      return true;
    }
    if (!path.startsWith('/dashboard/')) return false;
    const file = path.slice('/dashboard/'.length) || 'index.html';
    const ext = FILE_NAME.exec(file)?.[1];
    if (ext === undefined) return false;
    const type = TYPES[ext] as string;
    readFile(new URL(file, PAGE_DIR)).then(
      (body) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
        res.end(body);
      },
      () => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: `the dashboard has no file ${file}` } }));
      },
    );
    return true;
  }

  /** Takes WebSocket upgrades for `/v1/live` on `server`; other upgrades are refused. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      if ((req.url ?? '').split('?')[0] !== '/v1/live') {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws));
    });
  }

  /** Closes every page's socket and stops pushing. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private open(ws: WebSocket): void {
    ws.on('error', () => undefined);
    ws.on('message', () => undefined);
    ws.on('close', () => {
      if (this.wss.clients.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    });
    void this.push([ws]);
    this.timer ??= setInterval(() => void this.push([...this.wss.clients]), PUSH_INTERVAL_MS);
  }

  /** Takes one snapshot and sends it to `to`; a push still being taken makes this one a no-op. */
  private async push(to: readonly WebSocket[]): Promise<void> {
    if (this.pushing) return;
    this.pushing = true;
    try {
      const text = JSON.stringify(await this.snapshot());
      for (const ws of to) if (ws.readyState === ws.OPEN && ws.bufferedAmount < 1024 * 1024) ws.send(text);
    } catch {
      // A snapshot that failed is skipped; the next tick tries again.
    } finally {
      this.pushing = false;
    }
  }
}
