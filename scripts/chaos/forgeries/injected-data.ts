/**
 * Injected data: packets naming the session and the source's SCX (sender `forger`, numbers far off the source's),
 * into the target on its data channel. An outsider sends them after a data hello claiming the target's upstream in
 * plaintext, then with a stranger overlay's certificate; the member after a data hello claiming the upstream (its
 * certificate proves another id), then as itself on a data connection it may open (it is no upstream of the
 * target); and datagrams to the target's UDP port, without a tag and with a random one. Accepted: deliveries of
 * these packets at any receiver (the nodes' record files), and data connections the target kept.
 */

import { createSocket } from 'node:dgram';
import { encodeHello } from '../../../src/net/hello.ts';
import { UdpType } from '../../../src/net/udp-endpoint.ts';
import { UDP_TAG_BYTES } from '../../../src/net/udp-keys.ts';
import { encodeDataPacket } from '../../../src/session/data-header.ts';
import { DATA_CHANNEL } from '../deployment.ts';
import { FORGER, ForeignData } from '../foreign-data.ts';
import { delta, Scrape } from '../scrape.ts';
import { asMember, refusedLink, type Forgery } from './forgery.ts';

const PER_LINK = 50;
const DATAGRAMS = 100;

export const injectedData: Forgery = {
  name: 'injected data',
  who: 'member and outsider',
  what: `data packets naming the session and the source's SCX, on data connections (plaintext, stranger, member claiming the upstream, member as itself) and as UDP datagrams`,
  async run(f) {
    const U = f.upstream ?? f.source;
    const packets = (): Uint8Array[] =>
      Array.from({ length: PER_LINK }, () =>
        encodeDataPacket({ sessionId: f.sessionId, channel: DATA_CHANNEL, seq: 0x8000_0000 + f.rng.below(0x4000_0000), timestampMs: Date.now(), source: FORGER, sourceScx: f.source }, Buffer.alloc(200, 0x66)).bytes,
      );
    const hello = (from: string): Uint8Array => encodeHello({ kind: 'data', from, sessionId: f.sessionId, channel: DATA_CHANNEL });
    const records = f.d.records.map((r) => r.path);
    const foreign = new ForeignData(records, f.source);
    const before = await Scrape.of(f.d);
    const refused: boolean[] = [];
    let kept = false;
    await f.measured(async () => {
      refused.push(await refusedLink(f, undefined, [hello(U), ...packets()]));
      refused.push(await refusedLink(f, f.strangerTls(U), [hello(U), ...packets()]));
      refused.push(await refusedLink(f, f.member.tls, [hello(U), ...packets()]));
      const own = await asMember(f, [hello(f.member.id), ...packets()], 1000);
      kept = !own.closedByNode;
      const udp = createSocket('udp4');
      udp.on('error', () => undefined);
      for (let k = 0; k < DATAGRAMS; k++) {
        const p = packets()[0] as Uint8Array;
        const tag = k % 2 === 0 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: UDP_TAG_BYTES }, () => f.rng.below(256)));
        await new Promise<void>((r) => udp.send(Buffer.concat([Buffer.of(UdpType.DATA), p, tag]), f.port, f.host, () => r()));
      }
      udp.close();
    }, 2000);
    const after = await Scrape.of(f.d);
    const delivered = foreign.poll();
    const T = [f.target];
    const links = refused.filter((r) => !r).length;
    return {
      tried: 4 * PER_LINK + DATAGRAMS,
      unit: 'packets',
      accepted: delivered + links,
      effect: `${delivered} delivered at the receivers, ${links} of 3 claiming links kept (the member's own data link ${kept ? 'kept, its packets dropped' : 'closed'})`,
      checks: [
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_PLAINTEXT"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_PLAINTEXT' }, T) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_CREDENTIAL_FORGED"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_CREDENTIAL_FORGED' }, T) },
        { counter: 'scattercast_hellos_refused_total{code="ERR_PEER_ID_MISMATCH"}', expected: 1, got: delta(before, after, 'scattercast_hellos_refused_total', { code: 'ERR_PEER_ID_MISMATCH' }, T) },
        { counter: 'scattercast_channel_drops_total{reason="not-upstream"}', expected: kept ? PER_LINK : 0, got: delta(before, after, 'scattercast_channel_drops_total', { reason: 'not-upstream' }, T) },
        { counter: 'scattercast_udp_data_unauthenticated_total{what="refused"}', expected: DATAGRAMS, got: delta(before, after, 'scattercast_udp_data_unauthenticated_total', { what: 'refused' }, T) },
      ],
    };
  },
};
