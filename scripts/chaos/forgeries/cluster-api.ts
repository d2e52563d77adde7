/**
 * An outsider on the cluster-internal API (test/security/cluster-api.test.ts, on the live deployment): `POST
 * /v1/host` of a session whose rendezvous is the victim, `POST /v1/probe` of the victim and `GET /state`, with no
 * token, a made-up one, the token cut short, and the token a stranger overlay's nodes derive. Accepted: answers
 * other than 401, sessions hosted (`scattercast_sessions`), the victim in the target's probe cache (read with the
 * token, after), and bytes to the victim (the phase's figure: a ping or a dial would reach it).
 */

import { derivedClusterToken } from '../../../src/trust/overlay.ts';
import { overlayToken, tokenHeaders } from '../../../test/support/cluster-token.ts';
import { delta, Scrape } from '../scrape.ts';
import type { Forgery } from './forgery.ts';

export const clusterApi: Forgery = {
  name: 'outsider on the cluster-internal API',
  who: 'outsider',
  adminPort: true,
  what: 'POST /v1/host (rendezvous: the victim), POST /v1/probe (the victim), GET /state without the cluster token',
  async run(f) {
    const token = overlayToken();
    const tokens: Array<string | undefined> = [undefined, 'x'.repeat(token.length), token.slice(0, -1), derivedClusterToken(f.stranger.privateKey!)];
    const xml = `<SCATTERCAST name="scast://forger.scattercast/s${f.rng.u32()}"><CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL><RENDEZVOUS>${f.victim.address}</RENDEZVOUS></SCATTERCAST>`;
    const requests: Array<[string, unknown]> = [
      ['/v1/host', { announcement: xml }],
      ['/v1/probe', { peers: [f.victim.address] }],
      ['/state', undefined],
    ];
    const before = await Scrape.of(f.d);
    const statuses: number[] = [];
    await f.measured(async () => {
      for (const t of tokens) {
        for (const [route, body] of requests) {
          const headers = { ...tokenHeaders(t), ...(body !== undefined && { 'content-type': 'application/json' }) };
          try {
            const res = await fetch(`${f.admin}${route}`, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(3000) });
            await res.arrayBuffer();
            statuses.push(res.status);
          } catch {
            statuses.push(0);
          }
        }
      }
    }, 2500);
    const after = await Scrape.of(f.d);
    const hosted = delta(before, after, 'scattercast_sessions', {}, [f.target]);
    let probed = 0;
    try {
      const res = await fetch(`${f.admin}/state`, { headers: tokenHeaders(token), signal: AbortSignal.timeout(3000) });
      const state = (await res.json()) as { probe?: Record<string, unknown> };
      probed = state.probe !== undefined && f.victim.address in state.probe ? 1 : 0;
    } catch {
      probed = 0;
    }
    const answered = statuses.filter((s) => s !== 401).length;
    const tried = tokens.length * requests.length;
    return {
      tried,
      unit: 'requests',
      accepted: answered + hosted + probed,
      effect: `${answered} answered other than 401 (${[...new Set(statuses)].join('/')}), ${hosted} sessions hosted, victim ${probed ? 'IN' : 'not in'} the probe cache`,
      checks: requests.map(([route]) => ({
        counter: `scattercast_admin_unauthorized_total{route="${route}"}`,
        expected: tokens.length,
        got: delta(before, after, 'scattercast_admin_unauthorized_total', { route }, [f.target]),
      })),
    };
  },
};
