/**
 * The `trust` keys that make the admin and frontend servers speak HTTPS (and the dashboard wss://), and the files
 * they name, read and checked when the config is loaded:
 *
 * ```json
 * { "trust": { "certificate": "admin.crt", "certificateKey": "admin.key", "certificateAuthority": "cluster-ca.crt" } }
 * ```
 */

import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';

/** The HTTPS keys of `trust` and their JSON types. */
export const HTTPS_CONFIG_SCHEMA = {
  certificate: 'string',
  certificateKey: 'string',
  certificateAuthority: 'string',
} as const;

/** The raw HTTPS keys, types already checked. */
export type RawHttpsConfig = { readonly [K in keyof typeof HTTPS_CONFIG_SCHEMA]?: string };

/** A node's HTTPS settings, validated: paths resolved against the config's folder, and the PEM text they hold. */
export interface HttpsConfig {
  /** PEM file of the admin and frontend servers' certificate, the leaf first (a chain may follow). */
  readonly certificate: string;
  /** PEM file of the certificate's private key. */
  readonly certificateKey: string;
  /** PEM file of the certificates a member's admin certificate must chain to when this node calls it (default: `certificate`). */
  readonly certificateAuthority: string;
  /** The files' text: the servers' `cert` and `key`, and the `ca` internal calls trust. */
  readonly pem: { readonly cert: string; readonly key: string; readonly ca: string };
}

function invalid(why: string): never {
  throw new ScError(ErrorCode.CONFIG_INVALID, why);
}

function readPem(key: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return invalid(`"trust.${key}": cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parse<T>(key: string, path: string, what: string, make: () => T): T {
  try {
    return make();
  } catch {
    return invalid(`"trust.${key}": ${path} does not hold ${what}`);
  }
}

/** Validates the HTTPS keys (none: undefined, plain HTTP); a missing half, an unreadable file or a key that is not the certificate's is ERR_CONFIG_INVALID. */
export function httpsConfig(raw: RawHttpsConfig, baseDir: string): HttpsConfig | undefined {
  for (const k of Object.keys(HTTPS_CONFIG_SCHEMA) as Array<keyof RawHttpsConfig>) {
    if (raw[k] !== undefined && raw[k].length === 0) invalid(`"trust.${k}" must be a PEM file path, not empty`);
  }
  if (raw.certificate === undefined && raw.certificateKey === undefined) {
    if (raw.certificateAuthority !== undefined) invalid('"trust.certificateAuthority" needs "trust.certificate": a node calls its members over HTTPS only when it serves HTTPS');
    return undefined;
  }
  if (raw.certificate === undefined || raw.certificateKey === undefined) invalid('"trust.certificate" and "trust.certificateKey" go together: give both or neither');
  const [certificate, certificateKey] = [resolve(baseDir, raw.certificate), resolve(baseDir, raw.certificateKey)];
  const certificateAuthority = raw.certificateAuthority === undefined ? certificate : resolve(baseDir, raw.certificateAuthority);
  const pem = { cert: readPem('certificate', certificate), key: readPem('certificateKey', certificateKey), ca: readPem('certificateAuthority', certificateAuthority) };
  const leaf = parse('certificate', certificate, 'a PEM certificate', () => new X509Certificate(pem.cert));
  const key: KeyObject = parse('certificateKey', certificateKey, 'a PEM private key', () => createPrivateKey(pem.key));
  if (!leaf.checkPrivateKey(key)) invalid(`"trust.certificateKey": ${certificateKey} is not the key of the certificate in ${certificate}`);
  parse('certificateAuthority', certificateAuthority, 'a PEM certificate', () => new X509Certificate(pem.ca));
  return { certificate, certificateKey, certificateAuthority, pem };
}
