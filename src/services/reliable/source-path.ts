/**
 * The source path of the reliable module (after PGM's SPMs): the source SCX's SPM schedule for one source
 * (`spmIdleMs` after its last packet, then doubling waits up to `spmMaxMs`), and SPMs sent and passed on down a
 * source's tree. Only the source's upstream link may send an SPM: it runs down the same tree as the data.
 */

import type { Millis } from '../../core/time.ts';
import { LOCAL_LINK, type ChannelContext, type LinkId } from '../../transport/service-module.ts';
import type { ReliableSettings } from './options.ts';
import type { SourceState } from './source-state.ts';
import { decodeSpm, encodeSpm, type Spm } from './spm.ts';
import type { ReliableStats } from './stats.ts';

/** At the source SCX, the source just sent a packet: the next SPM is due `spmIdleMs` from `now` (ms). */
export function spmAfterData(st: SourceState, now: Millis, s: ReliableSettings): void {
  st.spmAt = now + s.spmIdleMs;
  st.spmWaitMs = Math.min(2 * s.spmIdleMs, s.spmMaxMs);
}

/** At the source SCX, an SPM is due at `now` (ms): its content (undefined before any packet), the next one scheduled. */
export function spmDue(source: string, st: SourceState, now: Millis, s: ReliableSettings): Spm | undefined {
  st.spmAt = now + st.spmWaitMs;
  st.spmWaitMs = Math.min(2 * st.spmWaitMs, s.spmMaxMs);
  const lead = st.highest;
  return lead === undefined ? undefined : { source, lead, trail: st.cache.oldest(now) ?? ((lead + 1) >>> 0) };
}

/** Sends `data`, an SPM of `source`, to its downstream links but `except`; returns how many. */
function down(ctx: ChannelContext, source: string, data: Uint8Array, except?: LinkId): number {
  let n = 0;
  for (const link of ctx.downstream(source)) {
    if (link === except || link === LOCAL_LINK) continue;
    ctx.sendControl(link, data);
    n++;
  }
  return n;
}

/** At the source SCX, sends `spm` down its tree. */
export function sendSpm(ctx: ChannelContext, stats: ReliableStats, spm: Spm): void {
  stats.spmsSent += down(ctx, spm.source, encodeSpm(spm));
}

/**
 * An SPM's bytes came from `from`: decoded, checked to come from its source's upstream, passed on down the tree.
 * Returns the SPM to act on, or undefined for one refused (malformed: dropped; from elsewhere: ignored; both counted).
 */
export function relaySpm(ctx: ChannelContext, stats: ReliableStats, from: LinkId, data: Uint8Array): Spm | undefined {
  const decoded = decodeSpm(data);
  if (!decoded.ok) {
    stats.malformed++;
    ctx.drop('malformed');
    return undefined;
  }
  const spm = decoded.value;
  stats.spmsReceived++;
  if (from !== ctx.upstream(spm.source)) {
    stats.controlNotUpstream++;
    return undefined;
  }
  stats.spmsForwarded += down(ctx, spm.source, data, from);
  return spm;
}
