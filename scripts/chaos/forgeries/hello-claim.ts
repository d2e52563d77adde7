/**
 * A hello claiming another node (test/security/link-identity.test.ts, on the live deployment). The member, whose
 * certificate proves its own id, says control hellos from the source, from the target's upstream and from the
 * victim, and a data hello from the source; an outsider says a control hello from the source with a stranger
 * overlay's certificate for the source's id, and in plaintext. Each hello is followed by what a taken link would
 * act on: a CONNECT and a DISCOVERY naming the victim as a member (the target would probe it). Accepted: links
 * the target did not close within 2 s, and bytes to the victim (the phase's figure); whether the target's upstream
 * moved is said too.
 */

import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType } from '../../../src/gossamer/wire/messages.ts';
import { gossamerFrame } from '../../../src/net/control-frame.ts';
import { encodeHello } from '../../../src/net/hello.ts';
import type { TlsCredentials } from '../../../test/support/member.ts';
import { DATA_CHANNEL, SOURCE } from '../deployment.ts';
import { snapshot, upstreams } from '../mesh.ts';
import { delta, Scrape } from '../scrape.ts';
import { refusedLink, type Forgery } from './forgery.ts';

const ROUNDS = 2;

export const helloClaim: Forgery = {
  name: 'hello claiming another node',
  who: 'member and outsider',
  what: 'control and data hellos naming the source, the upstream or the victim over a certificate that proves another id, or none',
  async run(f) {
    const A = f.source;
    const follow = [
      gossamerFrame(f.sessionId, encodeMessage({ type: MessageType.CONNECT, intent: ConnectIntent.FILL })),
      gossamerFrame(f.sessionId, encodeMessage({ type: MessageType.DISCOVERY, known: [f.victim.address], digest: new Uint8Array(0) })),
    ];
    const control = (from: string): Uint8Array => encodeHello({ kind: 'control', from });
    const tries: Array<[TlsCredentials | undefined, Uint8Array, string]> = [
      [f.member.tls, control(A), 'ERR_PEER_ID_MISMATCH'],
      [f.member.tls, control(f.upstream ?? A), 'ERR_PEER_ID_MISMATCH'],
      [f.member.tls, control(f.victim.address), 'ERR_PEER_ID_MISMATCH'],
      [f.member.tls, encodeHello({ kind: 'data', from: A, sessionId: f.sessionId, channel: DATA_CHANNEL }), 'ERR_PEER_ID_MISMATCH'],
      [f.strangerTls(A), control(A), 'ERR_PEER_CREDENTIAL_FORGED'],
      [undefined, control(A), 'ERR_PEER_PLAINTEXT'],
    ];
    const upBefore = upstreams(f.d, await snapshot(f.d)).get(f.target);
    const before = await Scrape.of(f.d);
    let kept = 0;
    await f.measured(async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const outcomes = await Promise.all(tries.map(([tls, hello]) => refusedLink(f, tls, [hello, ...follow])));
        kept += outcomes.filter((refused) => !refused).length;
      }
    }, 2000);
    const after = await Scrape.of(f.d);
    const upAfter = upstreams(f.d, await snapshot(f.d)).get(f.target);
    const moved = upBefore !== upAfter && f.target !== SOURCE ? 1 : 0;
    const expected = new Map<string, number>();
    for (const [, , code] of tries) expected.set(code, (expected.get(code) ?? 0) + ROUNDS);
    return {
      tried: ROUNDS * tries.length,
      unit: 'connections',
      accepted: kept,
      effect: `${kept} links kept open past 2 s, target's upstream ${moved ? `moved (${upBefore} -> ${upAfter}; a handover, not counted)` : 'unchanged'}`,
      checks: [...expected].map(([code, n]) => ({
        counter: `scattercast_hellos_refused_total{code="${code}"}`,
        expected: n,
        got: delta(before, after, 'scattercast_hellos_refused_total', { code }, [f.target]),
      })),
    };
  },
};
