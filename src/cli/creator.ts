/**
 * `scattercast creator`: a session creator's key, signed announcements and source tokens (docs/security.md).
 *
 * ```sh
 * scattercast creator key --out creator.key                     # prints the key id: name sessions scast://key-<id>/NAME
 * scattercast creator sign radio.xml --key creator.key > signed.xml
 * scattercast creator token --key creator.key --session scast://key-<id>/radio --ttl 3600
 * ```
 */

import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCode, ScError } from '../core/errors.ts';
import { buildAnnouncement } from '../session/announcement-build.ts';
import { signAnnouncement } from '../session/announcement-signature.ts';
import { parseToSign } from '../session/announcement.ts';
import { boundKeyId, creatorKeyId } from '../session/creator-key.ts';
import { formatSessionName, parseSessionName, sessionId } from '../session/name.ts';
import { issueSourceToken, TOKEN_NONCE_BYTES } from '../session/source-token.ts';
import { ed25519PrivateKey, rawPublicKey } from '../trust/credential.ts';
import { intFlag } from './options.ts';

/** Default lifetime of a source token, seconds. */
const DEFAULT_TTL_S = 3600;

/** Longest lifetime of a source token, seconds (a year: a token cannot be revoked before it expires). */
const MAX_TTL_S = 366 * 24 * 3600;

/** The text of a file the user named; ERR_USAGE if it cannot be read. */
function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScError(ErrorCode.USAGE, `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The creator's private key from `--key FILE`; ERR_USAGE if unreadable, ERR_TRUST_INVALID if not an Ed25519 key. */
function readKey(path: string): KeyObject {
  return ed25519PrivateKey(readInput(path, 'creator key'), `creator key ${path}`);
}

/** Writes a new private key to `path`, mode 0600; never overwrites one. */
function writeKey(path: string, pem: string): void {
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ScError(ErrorCode.USAGE, `${path} exists; a creator key is never overwritten (choose another --out)`);
    throw new ScError(ErrorCode.USAGE, `cannot write ${path}: ${code ?? (err as Error).message}`);
  }
}

/** `scattercast creator key|sign|token`. */
export function addCreator(program: Command, out: (line: string) => void): void {
  const creator = program.command('creator').description("a session creator's Ed25519 key, signed announcements and source tokens");

  creator
    .command('key')
    .description('make a creator key; prints its public key and the creator part of the session names it signs')
    .requiredOption('--out <file>', 'where to write the private key (PEM, mode 0600; never overwritten)')
    .action((flags: { out: string }) => {
      const { privateKey } = generateKeyPairSync('ed25519');
      writeKey(flags.out, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      const publicKey = rawPublicKey(privateKey);
      const keyId = creatorKeyId(publicKey);
      out(`public key  ${publicKey.toString('base64url')}`);
      out(`key id      ${keyId}`);
      out(`sessions    scast://${keyId}/NAME or scast://LABEL.${keyId}/NAME (the label is free text)`);
    });

  creator
    .command('sign')
    .description("sign an announcement (or sign again an edited one): prints it with the creator's key and signature (<CREATOR/>)")
    .argument('<announcement>', "the session's XML announcement, its name bound to the key (scast://[LABEL.]key-<id>/NAME)")
    .requiredOption('--key <file>', 'the creator key (from scattercast creator key)')
    .action((file: string, flags: { key: string }) => {
      const key = readKey(flags.key);
      out(buildAnnouncement(signAnnouncement(parseToSign(readInput(file, 'announcement')), key)).trimEnd());
    });

  creator
    .command('token')
    .description('issue a source token: lets its bearer send into one session until it expires (prints it)')
    .requiredOption('--key <file>', 'the creator key (from scattercast creator key)')
    .requiredOption('--session <name>', 'the session, scast://[LABEL.]key-<id>/NAME, bound to the key')
    .option('--ttl <seconds>', 'how long the token is valid, seconds', intFlag('--ttl', 1, MAX_TTL_S), DEFAULT_TTL_S)
    .action((flags: { key: string; session: string; ttl: number }) => {
      const key = readKey(flags.key);
      const name = parseSessionName(flags.session);
      const keyId = creatorKeyId(rawPublicKey(key));
      if (boundKeyId(name) !== keyId) {
        throw new ScError(ErrorCode.USAGE, `${formatSessionName(name)} is not bound to this key: its creator part must end with ${keyId}`);
      }
      const notAfterS = Math.floor(Date.now() / 1000) + flags.ttl;
      out(issueSourceToken(key, sessionId(name), notAfterS, randomBytes(TOKEN_NONCE_BYTES)));
      process.stderr.write(`scattercast: source token for ${formatSessionName(name)}, valid until ${new Date(notAfterS * 1000).toISOString()}\n`);
    });
  for (const c of creator.commands) c.exitOverride();
}
