/**
 * The cluster frontend (paper 3.4): a client posts the name of the session it wants and either the session's
 * announcement or a URL to fetch it from; the frontend has the session's SCX joined (started if need be) and
 * answers with the session's channels and where to reach each. Every refusal is JSON
 * `{ "error": { "code", "message" } }` with a stable code and a one-line message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ErrorCode, ScError } from '../core/errors.ts';
import { formatAddress, type Address } from '../net/address.ts';
import { parseAnnouncement, type Announcement } from '../session/announcement.ts';
import { formatSessionName, parseSessionName } from '../session/name.ts';
import { fetchAnnouncement } from './fetch-announcement.ts';
import { screenRendezvous } from './screen-rendezvous.ts';
import { readJsonObject, requestInvalid, sendError, sendJson, STATUS } from '../net/http-json.ts';
import { createHttpServer, type ServerTls, type WebServer } from '../net/http-server.ts';
import type { JoinAnswer } from '../api/join-answer.ts';

/** What the frontend needs from its cluster. */
export interface FrontendOptions {
  /** Joins the announced session on an SCX of this cluster; ScError(ERR_TRANSPORT_UNSUPPORTED) if it cannot carry it, ScError(ERR_LIMIT_SESSIONS) if it hosts as many sessions as it may. */
  readonly join: (announcement: Announcement) => Promise<JoinAnswer>;
  /** Let announcement URLs and rendezvous reach internal addresses (lab clusters and tests only). */
  readonly allowPrivateUrls: boolean;
  /** The cluster's own hosts (its nodes' and this frontend's addresses): rendezvous in their ranges are its own scope. */
  readonly homeHosts: readonly string[];
  readonly log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  /** The announcement fetcher; injectable for tests. */
  readonly fetchAnnouncement?: typeof fetchAnnouncement;
  /** Serve HTTPS with this certificate (default: plain HTTP). */
  readonly tls?: ServerTls;
}

/** Largest join request body, in bytes. */
export const REQUEST_MAX_BYTES = 128 * 1024;

/** Codes a join may pass on to the client; anything else it throws is internal. */
const JOIN_CODES: readonly string[] = [ErrorCode.TRANSPORT_UNSUPPORTED, ErrorCode.CLUSTER_UNAVAILABLE, ErrorCode.LIMIT_SESSIONS];

const ROUTES: Readonly<Record<string, string>> = { '/v1/sessions': 'POST', '/v1/health': 'GET' };
const FIELDS = ['name', 'announcement', 'url'];

function internal(): ScError {
  return new ScError(ErrorCode.INTERNAL, 'internal error; the request was not served');
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The checked join request: the session name and the announcement or its URL. */
function readRequest(fields: Record<string, unknown>): { name: string; announcement?: string; url?: string } {
  const extra = Object.keys(fields).find((k) => !FIELDS.includes(k));
  if (extra !== undefined) throw requestInvalid(`unknown field ${JSON.stringify(extra.slice(0, 40))} (expected name and announcement or url)`);
  for (const key of FIELDS) {
    if (key in fields && typeof fields[key] !== 'string') throw requestInvalid(`field ${key} must be a string`);
  }
  const { name, announcement, url } = fields as { name?: string; announcement?: string; url?: string };
  if (name === undefined) throw requestInvalid('missing field name (the session name, scast://creator/name)');
  if ((announcement === undefined) === (url === undefined)) throw requestInvalid('give exactly one of announcement and url');
  return { name, ...(announcement !== undefined && { announcement }), ...(url !== undefined && { url }) };
}

/** Handles `POST /v1/sessions`: checks the request, gets and checks the announcement, joins. */
async function joinSession(req: IncomingMessage, res: ServerResponse, options: FrontendOptions): Promise<void> {
  const request = readRequest(await readJsonObject(req, REQUEST_MAX_BYTES));
  const name = formatSessionName(parseSessionName(request.name));
  const fetcher = options.fetchAnnouncement ?? fetchAnnouncement;
  const source = request.announcement ?? (await fetcher(request.url as string, { allowPrivate: options.allowPrivateUrls }));
  const announcement = parseAnnouncement(source);
  if (!options.allowPrivateUrls) await screenRendezvous(announcement, options.homeHosts);
  const announced = formatSessionName(announcement.name);
  if (announced !== name) throw new ScError(ErrorCode.SESSION_MISMATCH, `announcement is for ${announced}, not ${name}`);
  let answer: JoinAnswer;
  try {
    answer = await options.join(announcement);
  } catch (err) {
    if (err instanceof ScError && JOIN_CODES.includes(err.code)) throw err;
    options.log('warn', 'join failed', { session: name, error: describe(err) });
    throw internal();
  }
  options.log('info', 'client joined', { session: name, scx: answer.scx });
  sendJson(res, 200, answer);
}

/** The frontend's request handler, to mount on an http server: `POST /v1/sessions` and `GET /v1/health`. */
export function frontendHandler(options: FrontendOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.on('error', () => undefined);
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = ROUTES[path];
    if (method === undefined) {
      req.resume();
      return sendError(res, new ScError(ErrorCode.NOT_FOUND, `no ${JSON.stringify(path.slice(0, 80))} here; try POST /v1/sessions`));
    }
    if (req.method !== method) {
      req.resume();
      return sendError(res, new ScError(ErrorCode.METHOD_NOT_ALLOWED, `${path} takes ${method} only`), { allow: method });
    }
    if (method === 'GET') return sendJson(res, 200, { ok: true });
    joinSession(req, res, options).catch((err: unknown) => {
      const known = err instanceof ScError && err.code in STATUS;
      if (!known) options.log('warn', 'join request failed', { error: describe(err) });
      if (res.headersSent) return void res.destroy();
      sendError(res, known ? err : internal());
    });
  };
}

/** Starts the frontend's HTTP(S) server at `at`, with request and header deadlines (http-server.ts); ScError(ERR_LISTEN_FAILED). */
export async function startFrontend(at: Address, options: FrontendOptions): Promise<WebServer> {
  const server = createHttpServer(frontendHandler(options), options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: Error) => reject(new ScError(ErrorCode.LISTEN_FAILED, `frontend cannot listen on ${formatAddress(at)}: ${err.message}`)));
    server.listen(at.port, at.host, () => resolve());
  });
  return server;
}
