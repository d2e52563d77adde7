/**
 * How a node calls the admin servers of its cluster (health checks, `/v1/host`, `/v1/probe`, members' `/state`):
 * every request carries the cluster token, and when the cluster serves HTTPS the member's certificate must chain
 * to the cluster's certificate authority and name the member's host. One connection per request (no pool to
 * close), the answer capped in size.
 */

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { bearerHeader } from './bearer-token.ts';

/** Largest answer read from a member, bytes (a `/state` of many sessions fits). */
export const ADMIN_ANSWER_MAX_BYTES = 16 * 1024 * 1024;

/** What a node calls its cluster's admin servers with. */
export interface AdminClientOptions {
  /** The cluster token sent as a bearer token (undefined: none is sent; the members' internal routes must be open). */
  readonly token: string | undefined;
  /** PEM of the certificates a member's admin certificate must chain to: the members serve HTTPS (undefined: plain HTTP). */
  readonly ca: string | undefined;
}

/** A member's answer: its HTTP status and its JSON body. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Calls the admin servers of the node's cluster. */
export class AdminClient {
  constructor(private readonly o: AdminClientOptions) {}

  /** `http` or `https`: what the cluster's admin servers speak. */
  get scheme(): 'http' | 'https' {
    return this.o.ca === undefined ? 'http' : 'https';
  }

  /** GET `path` of the admin server at `admin` (host:port), within `timeoutMs`. */
  get(admin: string, path: string, timeoutMs: number): Promise<AdminAnswer> {
    return this.call('GET', admin, path, undefined, timeoutMs);
  }

  /** POST `body` as JSON to `path` of the admin server at `admin` (host:port), within `timeoutMs`. */
  post(admin: string, path: string, body: unknown, timeoutMs: number): Promise<AdminAnswer> {
    return this.call('POST', admin, path, JSON.stringify(body), timeoutMs);
  }

  private call(method: string, admin: string, path: string, body: string | undefined, timeoutMs: number): Promise<AdminAnswer> {
    const url = new URL(path, `${this.scheme}://${admin}`);
    const headers: Record<string, string> = { accept: 'application/json', ...(this.o.token !== undefined && bearerHeader(this.o.token)) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const options = { method, headers, agent: false, signal: AbortSignal.timeout(timeoutMs), ...(this.o.ca !== undefined && { ca: this.o.ca }) } as const;
    return new Promise((resolve, reject) => {
      const req = (this.o.ca === undefined ? httpRequest : httpsRequest)(url, options, (res) => readAnswer(res).then(resolve, reject));
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** Reads a JSON answer, refusing one larger than ADMIN_ANSWER_MAX_BYTES. */
function readAnswer(res: IncomingMessage): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > ADMIN_ANSWER_MAX_BYTES) return void res.destroy(new Error(`answer larger than ${ADMIN_ANSWER_MAX_BYTES} bytes`));
      chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () => {
      try {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        reject(new Error(`HTTP ${res.statusCode}: the answer is not JSON`));
      }
    });
  });
}
