/**
 * What the radio port (radio-port.ts) asks of a station and what it offers: the Icecast source protocol on one port
 * that also serves players. The station answers for its mounts (credentials, a sink for a live source, metadata);
 * the port does the HTTP, the limits and the refusals, each with a stable code (src/core/errors.ts) counted here.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../../core/errors.ts';
import type { Logger } from '../../../daemon/log.ts';
import type { Address } from '../../../net/address.ts';

/** What the ingest asks the station. */
export interface IngestHandlers {
  /** The credentials of `mount` ("/live"), or undefined when there is no such mount (404). */
  credentials(mount: string): { readonly user: string; readonly password: string } | undefined;
  /** An authenticated source for `mount`: a sink for its bytes, or 'busy' when the mount has a live source (409). */
  open(mount: string, source: SourceInfo): SourceSink | 'busy';
  /** Icecast's metadata update (`/admin/metadata?mount=/m&mode=updinfo&song=...`), authenticated: false when no source is live (400, as Icecast). */
  metadata(mount: string, song: string): boolean;
}

/** What a source said about itself in its request head (Ice-* headers, or the icy-* ones some encoders send). */
export interface SourceInfo {
  /** The peer, `host:port`. */
  readonly remote: string;
  /** Its User-Agent (`Lavf/59.27.100` for ffmpeg 5.1). */
  readonly userAgent?: string;
  /** The media type, lower case and without parameters: one of MP3_TYPES. */
  readonly contentType: string;
  /** The station's name (Ice-Name, else icy-name), as players show it. */
  readonly iceName?: string;
  /** Its genre (Ice-Genre, else icy-genre). */
  readonly iceGenre?: string;
  /** Its description (Ice-Description, else icy-description). */
  readonly iceDescription?: string;
  /** Its web site (Ice-URL, else icy-url). */
  readonly iceUrl?: string;
  /** Whether it wants to be listed in directories (Ice-Public, else icy-pub: 1 or true). */
  readonly icePublic?: boolean;
}

/** Where a live source's bytes go: synchronous, so nothing is queued between the socket and the station. */
export interface SourceSink {
  /** The next bytes of the stream, as they came off the socket. */
  data(chunk: Buffer): void;
  /** The source is gone: it closed its connection (or the port closed), sent nothing for stallMs, or its socket failed. */
  end(reason: 'closed' | 'stalled' | 'error'): void;
}

/** The port's bounds. */
export interface IngestLimits {
  /** Most bytes of a source's request head, request line included, bytes (default 8192): past it, 431. */
  readonly headBytes?: number;
  /** Time a connection has to send its request line (and a source its whole head), ms (default 5000): then it is closed. */
  readonly headTimeoutMs?: number;
  /** Time a live source may send nothing before it is ended as 'stalled' and closed, ms (default 10000). */
  readonly stallMs?: number;
  /** Most live sources on the port (default 64): past it, 503. */
  readonly maxSources?: number;
  /** Most open connections, players included (default 20000): past it, a new connection is closed at accept. */
  readonly maxConnections?: number;
  /** Most connections that have not yet sent their request line, or a source its head (default 256): past it, closed at accept. */
  readonly maxPendingHeads?: number;
}

/** Defaults of IngestLimits. */
export const INGEST_DEFAULTS: Required<IngestLimits> = {
  headBytes: 8192,
  headTimeoutMs: 5000,
  stallMs: 10_000,
  maxSources: 64,
  maxConnections: 20_000,
  maxPendingHeads: 256,
};

/** How the radio port is started. */
export interface RadioPortOptions {
  /** Where it listens (port 0: any free port; `address` says which). */
  readonly listen: Address;
  /** A certificate and key, PEM: the port speaks TLS (sources, players and metadata updates alike). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** The station: its mounts' credentials, a sink per live source, the titles. */
  readonly ingest: IngestHandlers;
  /** Every other request (players, status pages), on a Node HTTP server with the deadlines of src/net/http-server.ts. */
  readonly http: (req: IncomingMessage, res: ServerResponse) => void;
  /** Where the port logs sources and refusals (mount, remote and code; never a credential). */
  readonly log: Logger;
  /** Its bounds (INGEST_DEFAULTS for those not given). */
  readonly limits?: IngestLimits;
}

/** The refusal codes the port counts. */
export const INGEST_REFUSALS = [
  ErrorCode.INGEST_HEAD,
  ErrorCode.INGEST_HEAD_SIZE,
  ErrorCode.INGEST_HEAD_TIMEOUT,
  ErrorCode.INGEST_AUTH,
  ErrorCode.INGEST_NO_MOUNT,
  ErrorCode.INGEST_BUSY,
  ErrorCode.INGEST_TYPE,
  ErrorCode.INGEST_SOURCES,
  ErrorCode.INGEST_CONNECTIONS,
  ErrorCode.INGEST_METADATA,
] as const;

/** One of INGEST_REFUSALS. */
export type IngestRefusal = (typeof INGEST_REFUSALS)[number];

/** What the port has done since it started (live objects: read them, do not keep copies). */
export interface IngestCounters {
  /** Refusals by code. */
  readonly refused: Readonly<Record<IngestRefusal, number>>;
  /** Sources accepted (answered 200). */
  readonly sources: number;
  /** Sources ended as 'stalled'. */
  readonly stalled: number;
  /** Metadata updates accepted. */
  readonly metadata: number;
  /** Connections handed to the HTTP server. */
  readonly handedOff: number;
}

/** A running radio port. */
export interface RadioPort {
  /** Where it listens (the port it got, when asked for 0). */
  readonly address: Address;
  /** What it has done, refusals by code. */
  readonly counters: IngestCounters;
  /** Stops listening, ends every live source ('closed') and closes every connection. */
  close(): Promise<void>;
}
