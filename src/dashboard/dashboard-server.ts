/**
 * Serves the live dashboard on an HTTP server: the page under `/dashboard/` and a snapshot pushed once a second
 * over a WebSocket at `/v1/live` to every open page. At most `liveClients` pages at once (more are refused with
 * 503, ERR_LIMIT_LIVE_CLIENTS), and a page still holding more than `liveSendBufferBytes` of earlier pushes when
 * the next one comes is cut off, so a client that does not read holds at most that and one snapshot. Each
 * snapshot is encoded once and the same bytes are queued to every page.
 */

import { readFile } from 'node:fs/promises';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode, ScError } from '../core/errors.ts';
import { DEFAULT_NODE_LIMITS, type NodeLimits } from '../daemon/limits.ts';
import { STATUS } from '../net/http-json.ts';
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

/** What the dashboard grants its WebSocket clients: `liveClients` and `liveSendBufferBytes` of the node's limits. */
export type LiveLimits = Pick<NodeLimits, 'liveClients' | 'liveSendBufferBytes'>;

/** What `/v1/live` serves and refuses, for /metrics. */
export interface LiveStats {
  /** Pages connected now. */
  readonly clients: number;
  /** Upgrades refused because `liveClients` pages were connected. */
  readonly refused: number;
  /** Pages cut off because more than `liveSendBufferBytes` waited to be sent to them. */
  readonly cut: number;
}

/** The dashboard of one HTTP server. */
export class DashboardServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private timer: NodeJS.Timeout | undefined;
  private pushing = false;
  private refused = 0;
  private cut = 0;

  /**
   * @param snapshot takes the snapshot to push
   * @param limits the node's `liveClients` and `liveSendBufferBytes` (default: DEFAULT_NODE_LIMITS, as the demo's dashboard has)
   */
  constructor(
    private readonly snapshot: () => Promise<DashboardSnapshot>,
    private readonly limits: LiveLimits = DEFAULT_NODE_LIMITS,
  ) {}

  /** What `/v1/live` serves and refuses now. */
  get stats(): LiveStats {
    return { clients: this.wss.clients.size, refused: this.refused, cut: this.cut };
  }

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

  /**
   * Takes WebSocket upgrades for `/v1/live` on `server` while fewer than `liveClients` are open; `before` is offered
   * every upgrade first (true: it took it); other upgrades are refused.
   */
  attach(server: Server, before?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (before?.(req, socket, head)) return;
      socket.on('error', () => undefined);
      if ((req.url ?? '').split('?')[0] !== '/v1/live') {
        return refuseUpgrade(socket, new ScError(ErrorCode.NOT_FOUND, 'WebSocket upgrades are served at /v1/live only'));
      }
      if (this.wss.clients.size >= this.limits.liveClients) {
        this.refused++;
        return refuseUpgrade(socket, new ScError(ErrorCode.LIMIT_LIVE_CLIENTS, `${this.limits.liveClients} dashboards are open here, as many as may be; try again later`));
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

  /**
   * Takes one snapshot and sends it to `to`, encoded once; a page still holding more than `liveSendBufferBytes`
   * of earlier pushes is cut off instead. A push still being taken makes this one a no-op.
   */
  private async push(to: readonly WebSocket[]): Promise<void> {
    if (this.pushing) return;
    this.pushing = true;
    try {
      const bytes = Buffer.from(JSON.stringify(await this.snapshot()));
      for (const ws of to) {
        if (ws.readyState !== ws.OPEN) continue;
        if (ws.bufferedAmount > this.limits.liveSendBufferBytes) {
          this.cut++;
          ws.terminate();
        } else {
          ws.send(bytes, { binary: false });
        }
      }
    } catch {
      // A snapshot that failed is skipped; the next tick tries again.
    } finally {
      this.pushing = false;
    }
  }
}

/** Answers an upgrade request with `err` as JSON, with its code's status, and closes the socket. */
function refuseUpgrade(socket: Duplex, err: ScError): void {
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  const status = STATUS[err.code] ?? 500;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
