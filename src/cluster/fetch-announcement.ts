/**
 * Fetches a session announcement that a client named by URL (paper 3.4) without letting the URL reach inside
 * the cluster: http(s) only, every resolved address passed through the address screen (`src/net/address-screen.ts`),
 * the connection made to the checked address itself (no second lookup to rebind), a few re-checked redirects, one
 * deadline over the whole fetch and a size cap counted while streaming.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

import { ErrorCode, ScError } from '../core/errors.ts';
import { firstInternal } from '../net/address-screen.ts';
import { ANNOUNCEMENT_MAX_BYTES } from '../session/announcement.ts';
import { quoted } from '../session/name.ts';

/** How an announcement is fetched. */
export interface FetchOptions {
  /** Allow loopback, private, link-local and other internal addresses (tests, lab clusters); default false. */
  readonly allowPrivate?: boolean;
  /** Largest body accepted, in bytes; default ANNOUNCEMENT_MAX_BYTES (64 KiB). */
  readonly maxBytes?: number;
  /** Deadline over lookups, redirects and the body, in milliseconds; default 5000. */
  readonly timeoutMs?: number;
  /** Most redirects followed; default 3. */
  readonly maxRedirects?: number;
}

/** Redirect statuses followed. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A checked target: the URL and the address to connect to. */
interface Target {
  readonly url: URL;
  readonly address: string;
  readonly family: number;
}

function urlInvalid(why: string): ScError {
  return new ScError(ErrorCode.URL_INVALID, `announcement URL ${why}`);
}

/** Parses a URL and refuses anything but credential-free http: and https:. */
function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw urlInvalid(`${quoted(String(text))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw urlInvalid(`must be http: or https:, not ${quoted(url.protocol)}`);
  if (url.username !== '' || url.password !== '') throw urlInvalid('may not carry credentials');
  return url;
}

/** Resolves the URL's host and checks every address it resolves to. */
async function check(url: URL, allowPrivate: boolean): Promise<Target> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new ScError(ErrorCode.FETCH_FAILED, `cannot resolve the announcement host ${quoted(host)}`);
  }
  const first = addresses[0];
  if (first === undefined) throw new ScError(ErrorCode.FETCH_FAILED, `the announcement host ${quoted(host)} has no address`);
  const internal = allowPrivate ? undefined : firstInternal(addresses.map((a) => a.address));
  if (internal !== undefined) {
    throw new ScError(ErrorCode.URL_FORBIDDEN, `announcement host ${quoted(host)} resolves to internal address ${internal.address} (${internal.range})`);
  }
  return { url, address: first.address, family: first.family };
}

/** What one exchange gave: a redirect's location or the body. */
type Outcome = { readonly location: string } | { readonly body: Buffer };

/** Reads a 2xx body, refusing it past maxBytes. */
function readBody(res: IncomingMessage, maxBytes: number, fail: (err: ScError) => void, done: (o: Outcome) => void): void {
  const tooLarge = (): ScError => new ScError(ErrorCode.ANNOUNCEMENT_TOO_LARGE, `announcement larger than ${maxBytes} bytes`);
  if (Number(res.headers['content-length']) > maxBytes) return fail(tooLarge());
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return fail(tooLarge());
    chunks.push(chunk);
  });
  res.on('end', () => done({ body: Buffer.concat(chunks) }));
}

/** One GET to the checked address, the name kept for the Host header and TLS. */
function exchange(target: Target, maxBytes: number, signal: AbortSignal): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const pinned: LookupFunction = (_host, opts, cb) =>
      opts.all ? cb(null, [{ address: target.address, family: target.family }]) : cb(null, target.address, target.family);
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target.url, { method: 'GET', agent: false, lookup: pinned, headers: { accept: 'application/xml, text/xml, */*' } });
    const settle = (fn: () => void): void => {
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      fn();
    };
    const fail = (err: ScError): void => settle(() => reject(err));
    const onAbort = (): void => fail(new ScError(ErrorCode.FETCH_TIMEOUT, 'announcement fetch timed out'));
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) return onAbort();
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(new ScError(ErrorCode.FETCH_FAILED, `announcement fetch from ${target.url.host} failed (${err.code ?? err.message})`)),
    );
    req.on('response', (res) => {
      res.on('error', () => fail(new ScError(ErrorCode.FETCH_FAILED, `announcement fetch from ${target.url.host} broke off`)));
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        const location = res.headers.location;
        if (location === undefined) return fail(new ScError(ErrorCode.FETCH_FAILED, `redirect ${status} without a Location`));
        return settle(() => resolve({ location }));
      }
      if (status < 200 || status > 299) {
        return fail(new ScError(ErrorCode.FETCH_FAILED, `announcement fetch from ${target.url.host} answered HTTP ${status}`));
      }
      readBody(res, maxBytes, fail, (o) => settle(() => resolve(o)));
    });
    req.end();
  });
}

/** Fetches an announcement's bytes; throws only ScError (ERR_URL_INVALID, ERR_URL_FORBIDDEN, ERR_FETCH_FAILED, ERR_FETCH_TIMEOUT, ERR_ANNOUNCEMENT_TOO_LARGE). */
export async function fetchAnnouncement(url: string, options: FetchOptions = {}): Promise<Uint8Array> {
  const { allowPrivate = false, maxBytes = ANNOUNCEMENT_MAX_BYTES, timeoutMs = 5000, maxRedirects = 3 } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const deadline = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(new ScError(ErrorCode.FETCH_TIMEOUT, 'announcement fetch timed out'))),
  );
  deadline.catch(() => undefined);
  try {
    let current = parseUrl(url);
    for (let redirects = 0; ; redirects++) {
      const target = await Promise.race([check(current, allowPrivate), deadline]);
      const outcome = await exchange(target, maxBytes, controller.signal);
      if ('body' in outcome) return new Uint8Array(outcome.body);
      if (redirects === maxRedirects) throw new ScError(ErrorCode.FETCH_FAILED, `too many redirects (more than ${maxRedirects})`);
      current = parseUrl(outcome.location, current);
    }
  } catch (err) {
    if (err instanceof ScError) throw err;
    throw new ScError(ErrorCode.FETCH_FAILED, 'announcement fetch failed');
  } finally {
    clearTimeout(timer);
  }
}
