import { ErrorCode, ScError } from '../core/errors.ts';

/** A node address, `host:port` (IPv6 hosts in brackets). */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` or `[v6]:port`; throws ERR_CONFIG_INVALID with a clear message otherwise. */
export function parseAddress(text: string): Address {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) {
    throw new ScError(ErrorCode.CONFIG_INVALID, `"${text}" is not an address of the form host:port`);
  }
  return { host: (m[1] ?? m[2]) as string, port };
}

/** Formats an address as `host:port`. */
export function formatAddress(a: Address): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
