import { isIPv6 } from 'node:net';
import { ErrorCode, ScError } from '../core/errors.ts';

/** A node address, `host:port` (IPv6 hosts in brackets). */
export interface Address {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/;

/** A DNS name or dotted IPv4: labels of letters, digits, '-' and '_' (container names), 1..63 each, 253 in all. */
const HOST_NAME = /^(?!.{254})[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/** `host:port` or `[v6]:port` with a port in 1..65535, else undefined. */
function readAddress(text: string): Address | undefined {
  const m = HOST_PORT.exec(text);
  const port = m ? Number(m[3]) : NaN;
  return m && port >= 1 && port <= 65535 ? { host: (m[1] ?? m[2]) as string, port } : undefined;
}

/** Parses `host:port` or `[v6]:port`; throws ERR_CONFIG_INVALID with a clear message otherwise. */
export function parseAddress(text: string): Address {
  const a = readAddress(text);
  if (!a) throw new ScError(ErrorCode.CONFIG_INVALID, `"${text}" is not an address of the form host:port`);
  return a;
}

/**
 * A node's address as peers name it (a hello's `from`, an SCX id): exactly as `formatAddress` writes it, its host
 * a DNS name, a dotted IPv4 or a bracketed IPv6 address; else undefined. Never throws, whatever the text.
 */
export function parseNodeAddress(text: string): Address | undefined {
  const a = readAddress(text);
  if (!a || formatAddress(a) !== text) return undefined;
  return (a.host.includes(':') ? isIPv6(a.host) : HOST_NAME.test(a.host)) ? a : undefined;
}

/** Whether `text` is a node address a driver can dial (see parseNodeAddress). */
export function isNodeAddress(text: string): boolean {
  return parseNodeAddress(text) !== undefined;
}

/** Formats an address as `host:port`. */
export function formatAddress(a: Address): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
