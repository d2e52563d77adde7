/**
 * NACK reflection (test/security/nack-reflection.test.ts, on the live deployment): NACKs of the source's packets on
 * the reliable channel, which would make the target send repairs to whoever they came from. An outsider sends them
 * after a control hello naming the victim in plaintext; the member after a control hello naming the victim (its
 * certificate proves its own id); and the member as itself, having connected as a mesh neighbour, where it is no
 * child of the target in the source's tree. Repairs may go only to an authenticated child that asks: none here.
 * Accepted: NACKs answered (`retransmissions` at the target, and NACKs the module took that it did not count as
 * not downstream), and bytes to the victim (the phase's figure, goal 0). The out/in ratio towards the asker (the
 * bench's address) is reported, not scored: the goal is on the victim.
 */

import { encodeMessage } from '../../../src/gossamer/wire/codec.ts';
import { ConnectIntent, MessageType } from '../../../src/gossamer/wire/messages.ts';
import { gossamerFrame, moduleFrame } from '../../../src/net/control-frame.ts';
import { encodeHello } from '../../../src/net/hello.ts';
import { encodeNack, MAX_NACK_RANGES } from '../../../src/services/reliable/nack.ts';
import { RELIABLE_CHANNEL } from '../deployment.ts';
import { delta, Scrape } from '../scrape.ts';
import { asMember, memberLeave, refusedLink, type Forgery } from './forgery.ts';

const PER_LINK = 200;

export const nackReflection: Forgery = {
  name: 'NACK reflection',
  who: 'outsider and member',
  what: `NACKs of ${MAX_NACK_RANGES} ranges naming the source on the reliable channel, from links claiming the victim and from the member, no child`,
  async run(f) {
    const nacks = (): Buffer[] =>
      Array.from({ length: PER_LINK }, () => {
        const ranges = Array.from({ length: MAX_NACK_RANGES }, () => ({ first: f.rng.u32(), count: 1 + f.rng.below(64) }));
        return moduleFrame(f.sessionId, RELIABLE_CHANNEL, encodeNack(f.source, ranges));
      });
    const hello = (from: string): Uint8Array => encodeHello({ kind: 'control', from });
    const connect = gossamerFrame(f.sessionId, encodeMessage({ type: MessageType.CONNECT, intent: ConnectIntent.FILL }));
    const before = await Scrape.of(f.d);
    const refused: boolean[] = [];
    await f.measured(async () => {
      refused.push(await refusedLink(f, undefined, [hello(f.victim.address), ...nacks()]));
      refused.push(await refusedLink(f, f.member.tls, [hello(f.victim.address), ...nacks()]));
      await asMember(f, [hello(f.member.id), connect, ...nacks(), memberLeave(f)], 1000);
    }, 2000);
    const after = await Scrape.of(f.d);
    const T = [f.target];
    const ch = { channel: String(RELIABLE_CHANNEL) };
    const counter = (name: string): number => delta(before, after, 'scattercast_module_events_total', { ...ch, counter: name }, T);
    const notDownstream = counter('nacksNotDownstream');
    const received = counter('nacksReceived');
    const repairs = counter('retransmissions');
    const kept = refused.filter((r) => !r).length;
    return {
      tried: 3 * PER_LINK,
      unit: 'NACKs',
      accepted: repairs + Math.max(0, received - notDownstream) + kept,
      effect: `${repairs} repairs sent, ${received} NACKs reached the module, ${notDownstream} of them refused as not downstream, ${kept} of 2 victim-claiming links kept`,
      checks: [
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_PLAINTEXT"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_PLAINTEXT' }, T) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_ID_MISMATCH"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_ID_MISMATCH' }, T) },
        { counter: `scattercast_module_events_total{channel="${RELIABLE_CHANNEL}",counter="nacksNotDownstream"}`, expected: PER_LINK, got: notDownstream },
      ],
    };
  },
};
