/**
 * What origin proofs cost (src/daemon/gossip-proofs.ts, signed-state.ts): the median µs of making a proof, of
 * checking one cold (credential and signature), with its credential cached, and of a ROUTE_UPDATE route whose proof
 * was verified before (a periodic full table). Run: `node --import tsx scripts/bench-proofs.ts`.
 */

import { generateKeyPairSync } from 'node:crypto';
import { ForgedStateRefusals } from '../src/daemon/forged-state.ts';
import { checkProof, makeProof, type ProofSubject } from '../src/daemon/gossip-proofs.ts';
import { SignedState } from '../src/daemon/signed-state.ts';
import { VerifyBudget } from '../src/daemon/verify-budget.ts';
import { encodeMessage } from '../src/gossamer/wire/codec.ts';
import { MessageType, type RouteAdvert } from '../src/gossamer/wire/messages.ts';
import { issueCredential, rawPublicKey } from '../src/trust/credential.ts';
import type { NodeIdentity } from '../src/trust/node-identity.ts';

/** Runs of each measurement, and sources in the full table. */
const RUNS = 2000;
const SOURCES = 20;

const overlayKey = generateKeyPairSync('ed25519').privateKey;
const overlay = { publicKey: rawPublicKey(overlayKey), privateKey: overlayKey, dir: '(memory)' };
function identity(id: string): NodeIdentity {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { overlay, credential: issueCredential(overlayKey, id, rawPublicKey(privateKey)), privateKey, tls: { key: '', cert: '' }, derivedToken: undefined };
}

/** Median µs of `fn` over RUNS runs (after RUNS/10 to warm up). */
function medianUs(fn: (i: number) => void): number {
  for (let i = 0; i < RUNS / 10; i++) fn(i);
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    t.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return t.sort((a, b) => a - b)[RUNS >> 1] as number;
}

const session = new Uint8Array(16).fill(7);
const src = identity('10.0.0.1:7000');
const subject = (seq: number): ProofSubject => ({ kind: 'heartbeat', msg: { type: MessageType.HEARTBEAT, generator: '10.0.0.1:7000', seq } });
const proofs = Array.from({ length: RUNS + RUNS / 10 }, (_, i) => makeProof(src, session, subject(i), 1));

const sign = medianUs((i) => makeProof(src, session, subject(i), 1));
const cold = medianUs((i) => checkProof(overlay.publicKey, session, subject(i), proofs[i], new Set()));
const cached = new Set<string>();
const warm = medianUs((i) => checkProof(overlay.publicKey, session, subject(i), proofs[i], cached));

const sources = Array.from({ length: SOURCES }, (_, i) => identity(`10.0.1.${i}:7000`));
const routes: RouteAdvert[] = sources.map((s, i) => ({
  source: s.credential.id,
  costMs: i,
  path: ['10.0.0.9:7000', s.credential.id],
  proof: new SignedState({ identity: s, sessionId: session, session: 'bench', refusals: new ForgedStateRefusals(() => undefined), budget: new VerifyBudget(), heartbeatMemoryMs: 15_000 }).sourceProof,
}));
const update = encodeMessage({ type: MessageType.ROUTE_UPDATE, full: true, routes, withdrawn: [] });
const receiver = new SignedState({ identity: identity('10.0.0.2:7000'), sessionId: session, session: 'bench', refusals: new ForgedStateRefusals(() => undefined), budget: new VerifyBudget(), heartbeatMemoryMs: 15_000 });
receiver.incoming('10.0.0.9:7000', update, 0);
const table = medianUs(() => receiver.incoming('10.0.0.9:7000', update, 0));

console.log(`make a proof (sign)                          ${sign.toFixed(1)} µs`);
console.log(`check a proof, cold (credential + signature) ${cold.toFixed(1)} µs`);
console.log(`check a proof, credential cached             ${warm.toFixed(1)} µs`);
console.log(`full table of ${SOURCES} verified adverts, per route ${(table / SOURCES).toFixed(1)} µs (${table.toFixed(1)} µs the update: decode and cache hits)`);
