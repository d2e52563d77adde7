/**
 * Phase `forgeries`: each forgery of scripts/chaos/forgeries/ in turn against the interior SCX with the most
 * receivers below it, while the source streams, from the bench's own address on the bridge: as an outsider
 * (plaintext, or a stranger overlay's certificate) and as a malicious member (a valid credential of the nodes' own
 * overlay, the default one under the state folder the nodes and the bench share, for an id at the bench's address).
 * One goal line per forgery: what was tried, how many were accepted (goal 0, measured from the effect and
 * cross-checked with the refusal counters of /metrics), the amplification (bytes the nodes sent to the attacker over
 * bytes it sent them, IP packets counted by iptables in every namespace, TCP and TLS handshakes included; the admin
 * port's only for the forgery that talks to it) and the bytes sent to the victim, a third party's address on the
 * bridge that the messages name (goal 0). The amplification goal (<= 1x) is on datagrams: an answer to one goes to
 * whatever source address it bears, which an attacker may forge. A TCP answer goes only to the address that
 * completed the handshake, the asker's own, so its ratio is reported, not scored (a 401 or a TLS server flight is
 * larger than the smallest request that draws it).
 */

import { defaultStateDir } from '../../../src/daemon/trust-config.ts';
import { loadNodeIdentity } from '../../../src/trust/node-identity.ts';
import { memoryIdentity, memoryOverlay } from '../../../test/support/identities.ts';
import { defaultOverlay, memberCredentials } from '../../../test/support/member.ts';
import { ADMIN_PORT, PORT, RENDEZVOUS, SESSION_NAME, SOURCE } from '../deployment.ts';
import { FORGERIES } from '../forgeries/index.ts';
import type { Forger, Outcome } from '../forgeries/forgery.ts';
import { busiestInterior, snapshot } from '../mesh.ts';
import { ByteMeter, minus, NO_BYTES, type WireBytes } from '../meter.ts';
import { Victim } from '../victim.ts';
import { progress, sleep } from '../wait.ts';
import { allReceiving, type PhaseContext } from './context.ts';

const PHASE = 'forgeries';
/** The victim's host on the bridge's /24: no node's (hosts 1..40), no invented member's of the attacks (50..249). */
const VICTIM_HOST = 253;

/** `x` bytes, short. */
const bytes = (x: number): string => (x >= 10_000 ? `${(x / 1024).toFixed(0)} KiB` : `${x} B`);

export async function forgeries(ctx: PhaseContext): Promise<void> {
  const { d, results, rng } = ctx;
  await allReceiving(PHASE, ctx);
  const snap = await snapshot(d);
  const pick = busiestInterior(d, snap);
  const target = pick?.node ?? (d.live().find((i) => i !== SOURCE) as number);
  const st = snap.states.get(target);
  if (st === undefined) {
    results.add({ phase: PHASE, name: 'forgeries', figure: `node ${target} gave no /state`, goal: 'a target', pass: false });
    return;
  }
  const prefix = d.lan.ip(0).split('.').slice(0, 3).join('.');
  const victim = await Victim.open(d.lan.bridge, `${prefix}.${VICTIM_HOST}`, PORT);
  const meter = new ByteMeter(d.lan.namespaces, d.lan.hostIp, victim.ip, ADMIN_PORT);
  await meter.install();
  const memberId = `${d.lan.hostIp}:${40_000 + rng.below(20_000)}`;
  const stranger = memoryOverlay();
  const plainMember = d.live().find((i) => i !== SOURCE && i !== target && !(RENDEZVOUS as readonly number[]).includes(i)) as number;
  let wire: WireBytes = NO_BYTES;
  let victimArrived = 0;
  const f: Forger = {
    d,
    target,
    host: d.lan.ip(target),
    port: PORT,
    admin: `http://${d.lan.ip(target)}:${ADMIN_PORT}`,
    sessionId: Buffer.from(st.id, 'hex'),
    sessionName: SESSION_NAME,
    source: d.addr(SOURCE),
    generator: st.generator ?? undefined,
    upstream: st.routes.find((r) => r.source === d.addr(SOURCE))?.upstream ?? undefined,
    plainMember: d.addr(plainMember),
    victim,
    member: { id: memberId, tls: memberCredentials(memberId), identity: memoryIdentity(defaultOverlay(), memberId) },
    stranger,
    strangerTls: (id) => memberCredentials(id, stranger),
    rng,
    credentialOf: (id) => loadNodeIdentity(defaultStateDir(), id, defaultOverlay()).credential,
    async measured(attack, settleMs = 2000) {
      const b0 = await meter.total();
      const v0 = victim.bytes;
      await attack();
      await sleep(settleMs);
      wire = minus(await meter.total(), b0);
      victimArrived = victim.bytes - v0;
    },
  };
  results.note(PHASE, `target node ${target} (${pick?.below.length ?? 0} receivers below it, upstream ${f.upstream ?? 'none'}); member ${memberId} (the nodes' overlay); victim ${victim.address} (on the bridge)`);
  for (const forgery of FORGERIES) {
    progress(PHASE, `${forgery.name} (${forgery.who}): ${forgery.what}`);
    wire = NO_BYTES;
    victimArrived = 0;
    let o: Outcome;
    try {
      o = await forgery.run({ ...f, rng: rng.fork(forgery.name) });
    } catch (err) {
      results.add({ phase: PHASE, name: forgery.name, figure: `the forgery itself failed: ${(err as Error).message.split('\n')[0]}`, goal: 'run', pass: false });
      continue;
    }
    const sent = wire.fromAttacker + (forgery.adminPort ? wire.adminFromAttacker : 0);
    const answered = wire.toAttacker + (forgery.adminPort ? wire.adminToAttacker : 0);
    const amplification = sent === 0 ? 0 : answered / sent;
    const udpAmplification = wire.udpFromAttacker === 0 ? 0 : wire.udpToAttacker / wire.udpFromAttacker;
    const toVictim = Math.max(wire.toVictim, victimArrived);
    const missing = o.checks.filter((c) => c.got < c.expected);
    const counted = missing.length === 0 ? 'every refusal counted' : `NOT COUNTED: ${missing.map((c) => `${c.counter} ${c.got}/${c.expected}`).join(', ')}`;
    const udp = `UDP ${udpAmplification.toFixed(2)}x (${bytes(wire.udpToAttacker)} out / ${bytes(wire.udpFromAttacker)} in)`;
    const amp = `TCP ${amplification.toFixed(2)}x to the asker (${bytes(answered)} out / ${bytes(sent)} in), ${udp}`;
    results.add({
      phase: PHASE,
      name: `${forgery.name} (${forgery.who})`,
      figure: `${o.tried} ${o.unit} tried, ${o.accepted} accepted (${o.effect}; ${counted}); ${amp}; ${bytes(toVictim)} to the victim`,
      goal: '0 accepted, 0 B to the victim, UDP answers <= 1x (the TCP ratio is reported)',
      pass: o.accepted === 0 && missing.length === 0 && toVictim === 0 && udpAmplification <= 1,
      values: { ...o, wire, victimArrived, amplification, udpAmplification, toVictim },
    });
  }
  victim.close();
  const dead = Array.from({ length: d.n }, (_, i) => i).filter((i) => !d.alive(i));
  results.add({
    phase: PHASE,
    name: 'crashes',
    figure: dead.length === 0 ? '0' : dead.map((i) => `node ${i} (${d.exit(i)})`).join(', '),
    goal: '0',
    pass: dead.length === 0,
    values: { dead },
  });
}
