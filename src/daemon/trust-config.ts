/**
 * The node config's `trust` section: whether the node is secure (the default) and where its keys live.
 *
 * ```json
 * { "trust": { "stateDir": "/var/lib/scattercast", "overlay": "/etc/scattercast/overlay" } }
 * ```
 */

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ErrorCode, ScError } from '../core/errors.ts';
import { HTTPS_CONFIG_SCHEMA, httpsConfig, type HttpsConfig } from './https-config.ts';
import { SOURCE_SECRETS_SCHEMA, sourceSecrets, type RawSourceSecrets, type SourceSecret } from './source-secrets.ts';

/** A node's trust settings, validated. */
export interface TrustConfig {
  /** Plaintext links, nothing authenticated: for lab runs only (default false; the CLI's --insecure). */
  readonly insecure: boolean;
  /** Folder of the node's key and credential, `nodes/<id>/` inside it (default $SCATTERCAST_STATE_DIR, else ~/.scattercast). */
  readonly stateDir: string;
  /** Folder of the overlay credential: overlay.pub, and overlay.key where credentials are issued (default `<stateDir>/overlay`, made on first start if empty). */
  readonly overlay: string;
  /** Whether this node makes a new overlay when its `overlay` folder holds none (true unless `overlay` is given). */
  readonly createOverlay: boolean;
  /** Bearer token of the cluster-internal API, at least 16 characters (default: derived from overlay.key, if this node holds it). */
  readonly clusterToken: string | undefined;
  /** The admin and frontend servers' certificate, key and the cluster's CA (keys in https-config.ts; default: none, plain HTTP). */
  readonly https: HttpsConfig | undefined;
  /** Per-session secrets a sender may present instead of a source token, each `{ session, secret }` (source-secrets.ts; default: none). */
  readonly sourceSecrets: readonly SourceSecret[];
}

/** The `trust` keys a config file may hold and their JSON types. */
export const TRUST_CONFIG_SCHEMA = {
  insecure: 'boolean',
  stateDir: 'string',
  overlay: 'string',
  clusterToken: 'string',
  ...HTTPS_CONFIG_SCHEMA,
  sourceSecrets: SOURCE_SECRETS_SCHEMA,
} as const;

/** The raw `trust` section, types already checked. */
export type RawTrustConfig = { readonly [K in keyof typeof TRUST_CONFIG_SCHEMA]?: K extends 'insecure' ? boolean : K extends 'sourceSecrets' ? RawSourceSecrets : string };

/** The default state folder: $SCATTERCAST_STATE_DIR, else ~/.scattercast. */
export function defaultStateDir(): string {
  return process.env.SCATTERCAST_STATE_DIR || join(homedir(), '.scattercast');
}

/** Validates the `trust` section; paths are resolved against the config's folder. */
export function trustConfig(raw: RawTrustConfig = {}, baseDir: string): TrustConfig {
  for (const k of ['stateDir', 'overlay'] as const) {
    if (raw[k] !== undefined && raw[k].length === 0) throw new ScError(ErrorCode.CONFIG_INVALID, `"trust.${k}" must be a folder path, not empty`);
  }
  if (raw.clusterToken !== undefined && raw.clusterToken.length < 16) throw new ScError(ErrorCode.CONFIG_INVALID, '"trust.clusterToken" must be at least 16 characters');
  const stateDir = raw.stateDir === undefined ? defaultStateDir() : resolve(baseDir, raw.stateDir);
  return {
    insecure: raw.insecure === true,
    stateDir,
    overlay: raw.overlay === undefined ? join(stateDir, 'overlay') : resolve(baseDir, raw.overlay),
    createOverlay: raw.overlay === undefined,
    clusterToken: raw.clusterToken,
    https: httpsConfig(raw, baseDir),
    sourceSecrets: sourceSecrets(raw.sourceSecrets),
  };
}
