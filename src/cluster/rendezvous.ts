/**
 * Rendezvous (highest-random-weight) hashing: each session goes to the member with the highest hash of
 * (session id, member). Every frontend agrees without coordination, and when a member leaves only its own
 * sessions move.
 */

import { createHash } from 'node:crypto';

/** The members in order of preference for the session: the first is where it lives, the rest its fallbacks. */
export function rendezvousOrder(sessionIdHex: string, members: readonly string[]): string[] {
  const weight = (m: string): string => createHash('md5').update(`${sessionIdHex}|${m}`).digest('hex');
  return members
    .map((m) => ({ m, w: weight(m) }))
    .sort((a, b) => (a.w < b.w ? 1 : a.w > b.w ? -1 : a.m < b.m ? -1 : 1))
    .map((x) => x.m);
}
