/**
 * The whiteboard's HTTP routes on the node's admin port: the pages under `/whiteboard/` (the files of `page/`, names
 * of lower-case letters, digits and dashes only, so no path leaves the folder) and `GET /v1/whiteboard/attach`,
 * the client-attach path: the cluster's placement (when this node's frontend spreads sessions over members)
 * picks the SCX, and the answer names that member's WebSocket.
 */

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../../core/errors.ts';
import type { ClusterMember, ClusterPlacement } from '../../../cluster/cluster-placement.ts';
import { sendJson } from '../../../net/http-json.ts';
import { formatSessionName, parseSessionName } from '../../../session/name.ts';
import type { PresentationEdge } from './presentation.ts';

/** Content types of the pages' files, by extension. */
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  json: 'application/json',
};
const FILE_NAME = /^[a-z][a-z0-9-]*\.(html|js|css|svg|png|json)$/;
const PAGE_DIR = new URL('../page/', import.meta.url);

/** A Host header this server puts in a WebSocket URL: a DNS name or IPv4 address, or a bracketed IPv6 one, and a port. */
const HOST = /^(?:[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/** The WebSocket's path. */
export const WS_PATH = '/v1/whiteboard';

/** The attach path. */
export const ATTACH_PATH = '/v1/whiteboard/attach';

/** What the routes need. */
export interface RouteContext {
  /** The presentation of a session name (default: the first), or undefined. */
  find(session: string | null): PresentationEdge | undefined;
  /** The frontend's placement, when this node's frontend spreads sessions over several members. */
  readonly placement?: ClusterPlacement;
  /** The cluster's members (their admin addresses serve their whiteboards). */
  readonly members: readonly ClusterMember[];
  /** This node's SCX address. */
  readonly scx: string;
  /** Whether the admin port speaks TLS (the WebSocket is then wss://). */
  readonly tls: boolean;
}

/** Answers `{ error: { code, message } }` with `status`. */
export function sendRefusal(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

/** The canonical session name of a `session` query value (null when absent or not a session name). */
export function sessionParam(url: string): string | null | undefined {
  const value = new URL(url, 'http://x').searchParams.get('session');
  if (value === null) return null;
  try {
    return formatSessionName(parseSessionName(value));
  } catch {
    return undefined;
  }
}

/** Serves the whiteboard's routes; false if the request is not one of them. */
export function handleWhiteboardHttp(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const path = url.split('?', 1)[0] as string;
  if (path === ATTACH_PATH) {
    req.resume();
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: { code: ErrorCode.METHOD_NOT_ALLOWED, message: `${ATTACH_PATH} takes GET` } }, { allow: 'GET' });
      return true;
    }
    void attach(ctx, req, res).catch(() => {
      if (!res.headersSent) sendRefusal(res, 503, ErrorCode.CLUSTER_UNAVAILABLE, 'no member of the cluster could host the presentation');
    });
    return true;
  }
  if (req.method !== 'GET' || (path !== '/whiteboard' && !path.startsWith('/whiteboard/'))) return false;
  req.resume();
  if (path === '/whiteboard') {
    res.writeHead(302, { location: `/whiteboard/${url.slice(path.length)}` });
    res.end();
    return true;
  }
  const file = path.slice('/whiteboard/'.length) || 'index.html';
  const ext = FILE_NAME.exec(file)?.[1];
  if (ext === undefined) {
    sendRefusal(res, 404, ErrorCode.NOT_FOUND, `the whiteboard has no file ${JSON.stringify(file.slice(0, 80))}`);
    return true;
  }
  readFile(new URL(file, PAGE_DIR)).then(
    (body) => {
      res.writeHead(200, { 'content-type': TYPES[ext] as string, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
      res.end(body);
    },
    () => sendRefusal(res, 404, ErrorCode.NOT_FOUND, `the whiteboard has no file ${file}`),
  );
  return true;
}

/** `GET /v1/whiteboard/attach?session=<name>`: `{ session, scx, ws }`. */
async function attach(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = sessionParam(req.url ?? '/');
  const edge = name === undefined ? undefined : ctx.find(name);
  if (!edge) return sendRefusal(res, 404, ErrorCode.WB_SESSION, 'no such presentation here; leave out ?session= for the default one');
  let scx = ctx.scx;
  let host = req.headers.host ?? '';
  if (ctx.placement) {
    const answer = await ctx.placement.join(edge.session.announcement);
    const member = ctx.members.find((m) => m.scx === answer.scx);
    if (member && answer.scx !== ctx.scx) [scx, host] = [member.scx, member.admin];
  }
  if (!HOST.test(host)) return sendRefusal(res, 400, ErrorCode.REQUEST_INVALID, 'the request needs a Host header, host:port');
  sendJson(res, 200, { session: edge.entry.session, scx, ws: `${ctx.tls ? 'wss' : 'ws'}://${host}${WS_PATH}` });
}
