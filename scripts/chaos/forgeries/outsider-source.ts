/**
 * An outsider as a source (test/security/outsider-source.test.ts, on the live deployment): client hellos with role
 * send on the session's data channel, without a credential, with a made-up one, and with a source token signed by a
 * key that is not the session's creator's (the bench's session is unsigned and has no secret: it takes no sender);
 * the member tries the same over TLS. Each sends payloads after its hello. Accepted: deliveries at any receiver that
 * are not the source's, nodes with a route to another source (a sender makes its SCX one), connections kept.
 */

import { encodeHello } from '../../../src/net/hello.ts';
import { testCreator } from '../../../test/support/creator.ts';
import { DATA_CHANNEL } from '../deployment.ts';
import { FORGER, ForeignData } from '../foreign-data.ts';
import { delta, Scrape } from '../scrape.ts';
import { otherSources } from './effects.ts';
import { refusedLink, type Forgery } from './forgery.ts';

const PAYLOADS = 20;

export const outsiderSource: Forgery = {
  name: 'outsider as source',
  who: 'outsider and member',
  what: 'senders attaching to the session without a credential, with a made-up one, with a token of another creator',
  async run(f) {
    const other = testCreator();
    const credentials: Array<string | undefined> = [undefined, `made-up-${f.rng.u32().toString(16)}`, other.token(f.sessionName)];
    const hello = (credential: string | undefined, k: number): Uint8Array =>
      encodeHello({ kind: 'client', from: `${FORGER}-${k}`, sessionId: f.sessionId, channel: DATA_CHANNEL, role: 'send', ...(credential !== undefined && { credential }) });
    const payloads = Array.from({ length: PAYLOADS }, (_, k) => Buffer.from(`${FORGER} payload ${k}`));
    const foreign = new ForeignData(f.d.records.map((r) => r.path), f.source);
    const before = await Scrape.of(f.d);
    let kept = 0;
    await f.measured(async () => {
      let k = 0;
      for (const tls of [undefined, f.member.tls]) {
        for (const c of credentials) if (!(await refusedLink(f, tls, [hello(c, k++), ...payloads]))) kept++;
      }
    }, 2000);
    const after = await Scrape.of(f.d);
    const delivered = foreign.poll();
    const sources = await otherSources(f.d);
    const tried = 2 * credentials.length;
    return {
      tried,
      unit: 'senders',
      accepted: delivered + sources.nodes.length + kept,
      effect: `${delivered} of their payloads delivered, ${sources.nodes.length} nodes with a route to another source, ${kept} connections kept`,
      checks: [{ counter: 'scattercast_sources_refused_total', expected: tried, got: delta(before, after, 'scattercast_sources_refused_total', {}, [f.target]) }],
    };
  },
};
