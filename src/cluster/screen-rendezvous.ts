/**
 * An announcement from outside the cluster (given inline to the frontend, or fetched from a URL a client named)
 * makes the node contact its rendezvous SCXs: each location must pass the address screen as the announcement's
 * URL does, or `<RENDEZVOUS>127.0.0.1:22</RENDEZVOUS>` would have the node dial inside its own host. The one
 * exception is the cluster's own scope: a location in the same special-purpose range as one of the cluster's own
 * addresses (a cluster on 10.0.0.0/8 carries sessions whose rendezvous are on 10.0.0.0/8; a loopback lab, loopback
 * ones) reaches nothing the cluster does not already talk to, so a LAN deployment needs no flag. A DNS
 * name is resolved and every address it resolves to screened; one that does not resolve now names nothing to
 * screen (nor to dial). The node resolves a name again when it dials it, so a name rebound after this check is
 * for the dial-time screen to catch, not this one.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { ErrorCode, ScError } from '../core/errors.ts';
import { firstInternal, internalRange } from '../net/address-screen.ts';
import { parseAddress } from '../net/address.ts';
import type { Announcement } from '../session/announcement.ts';
import { quoted } from '../session/name.ts';

/** The addresses `host` stands for: itself if an IP literal, else what it resolves to now (none if it does not). */
async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/**
 * Throws ScError(ERR_RENDEZVOUS_FORBIDDEN) at the first rendezvous location that is, or resolves to, an internal
 * address outside the ranges of `homeHosts` (the cluster's own hosts: its nodes' and frontend's addresses).
 */
export async function screenRendezvous(announcement: Announcement, homeHosts: readonly string[]): Promise<void> {
  const home = new Set<string>();
  for (const h of homeHosts) for (const a of await addressesOf(h)) home.add(internalRange(a) ?? 'public');
  for (const location of announcement.rendezvous) {
    const { host } = parseAddress(location);
    const internal = firstInternal((await addressesOf(host)).filter((a) => !home.has(internalRange(a) ?? 'public')));
    if (internal === undefined) continue;
    const what = internal.address === host ? 'is an internal address' : `resolves to internal address ${internal.address}`;
    throw new ScError(
      ErrorCode.RENDEZVOUS_FORBIDDEN,
      `announcement RENDEZVOUS ${quoted(location)} ${what} (${internal.range}), outside this cluster's own ranges; refused unless the node's config has allowPrivateUrls`,
    );
  }
}
