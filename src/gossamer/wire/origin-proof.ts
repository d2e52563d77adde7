/**
 * The wire form of origin proofs (messages.ts `OriginProof`), an optional tail of the messages that carry one:
 * LEAVE and HEARTBEAT end with at most one proof; STATUS and ROUTE_UPDATE with at most one route-proofs section.
 * A message without proofs is byte for byte what it was before proofs existed, so unsigned senders (the simulator,
 * insecure nodes) and signed ones share one format, and the encoding stays canonical.
 *
 * proof         = varuint incarnation, raw 32 publicKey, raw 64 credentialSignature, raw 64 signature
 * route proofs  = varuint count k (1..routes), k × (varuint route index, strictly increasing, < routes; proof)
 */

import { DecodeError, type ByteReader, type ByteWriter } from '../../core/bytes.ts';
import { WireCode } from '../../core/decoded.ts';
import { ErrorCode, ScError } from '../../core/errors.ts';
import { PROOF_KEY_BYTES, PROOF_SIGNATURE_BYTES } from './limits.ts';
import type { OriginProof, RouteAdvert } from './messages.ts';

/** Smallest encoded proof, bytes: a one-byte incarnation, the key and both signatures. */
export const MIN_PROOF_BYTES = 1 + PROOF_KEY_BYTES + 2 * PROOF_SIGNATURE_BYTES;

function misuse(reason: string): ScError {
  return new ScError(ErrorCode.MESSAGE_MALFORMED, `cannot encode message: ${reason}`);
}

function writeRaw(w: ByteWriter, b: unknown, size: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== size) throw misuse(`proof ${what} must be a Uint8Array of ${size} bytes`);
  w.raw(b);
}

/** Writes `proof`; throws ERR_MESSAGE_MALFORMED for a field the decoder would refuse. */
export function writeProof(w: ByteWriter, proof: OriginProof): void {
  if (!Number.isSafeInteger(proof.incarnation) || proof.incarnation < 0) throw misuse(`proof incarnation ${String(proof.incarnation)} is not an integer in 0..2^53-1`);
  w.varuint(proof.incarnation);
  writeRaw(w, proof.publicKey, PROOF_KEY_BYTES, 'publicKey');
  writeRaw(w, proof.credentialSignature, PROOF_SIGNATURE_BYTES, 'credentialSignature');
  writeRaw(w, proof.signature, PROOF_SIGNATURE_BYTES, 'signature');
}

/** Reads one proof, its bytes copied out of the input. */
export function readProof(r: ByteReader): OriginProof {
  const incarnation = r.varuint();
  const publicKey = new Uint8Array(r.view(PROOF_KEY_BYTES, 'proof publicKey'));
  const credentialSignature = new Uint8Array(r.view(PROOF_SIGNATURE_BYTES, 'proof credentialSignature'));
  const signature = new Uint8Array(r.view(PROOF_SIGNATURE_BYTES, 'proof signature'));
  return { incarnation, publicKey, credentialSignature, signature };
}

/** Writes the optional tail proof of a LEAVE or HEARTBEAT (nothing when absent). */
export function writeTailProof(w: ByteWriter, proof: OriginProof | undefined): void {
  if (proof !== undefined) writeProof(w, proof);
}

/** Reads the optional tail proof: present when bytes remain after the message's fields. */
export function readTailProof(r: ByteReader): { proof?: OriginProof } {
  return r.remaining === 0 ? {} : { proof: readProof(r) };
}

/** Writes the route-proofs section of `routes` (nothing when no route carries a proof). */
export function writeRouteProofs(w: ByteWriter, routes: readonly RouteAdvert[]): void {
  let k = 0;
  for (const route of routes) if (route.proof !== undefined) k++;
  if (k === 0) return;
  w.varuint(k);
  for (let i = 0; i < routes.length; i++) {
    const proof = routes[i]!.proof;
    if (proof === undefined) continue;
    w.varuint(i);
    writeProof(w, proof);
  }
}

/** Reads the optional route-proofs section (present when bytes remain) and returns `routes` with their proofs. */
export function readRouteProofs(r: ByteReader, routes: RouteAdvert[]): RouteAdvert[] {
  if (r.remaining === 0) return routes;
  const start = r.offset;
  const k = r.varuint();
  if (k === 0) throw new DecodeError(WireCode.RANGE, `route proofs at offset ${start}: a count of 0 (an empty section is left out)`);
  if (k > routes.length) throw new DecodeError(WireCode.RANGE, `route proofs at offset ${start}: ${k} proofs for ${routes.length} routes`);
  if (k * (1 + MIN_PROOF_BYTES) > r.remaining) {
    throw new DecodeError(WireCode.TRUNCATED, `truncated: route proofs at offset ${start} announce ${k} proofs, ${r.remaining} bytes left`);
  }
  const out = routes.slice();
  let previous = -1;
  for (let n = 0; n < k; n++) {
    const at = r.offset;
    const i = r.varuint();
    if (i <= previous || i >= routes.length) {
      throw new DecodeError(WireCode.RANGE, `route proof index ${i} at offset ${at}: not in ${previous + 1}..${routes.length - 1} (indices increase, below the route count)`);
    }
    previous = i;
    out[i] = { ...routes[i]!, proof: readProof(r) };
  }
  return out;
}
