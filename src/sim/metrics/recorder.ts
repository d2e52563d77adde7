import type { Millis } from '../../core/time.ts';
import type { GossamerEvent } from '../../gossamer/events.ts';
import type { GossamerNode } from '../../gossamer/node.ts';

/** One sample of a run's time series. */
export interface Sample {
  readonly atS: number;
  /** Share of SCXs that know at least 90% of the others. */
  readonly discovered90Share: number;
  /** Share of SCXs that know all the others. */
  readonly discoveredAllShare: number;
  /** Cumulative mesh edge changes per SCX (an edge added or removed counts once at each end). */
  readonly edgeChangesPerNode: number;
  /** Cost ratio of each source at this time (NaN while it reaches nobody). */
  readonly costRatios: readonly number[];
}

/** Watches a run: mesh changes as they happen, discovery as it is sampled. */
export class Recorder {
  edgeChanges = 0;
  lastMeshChangeAt: Millis = 0;
  /** When each edge change happened, in order (one entry per change, at each end of the edge). */
  readonly changeTimes: Millis[] = [];
  discovery90At: Millis | undefined;
  discoveryAllAt: Millis | undefined;
  readonly samples: Sample[] = [];

  constructor(private readonly scxCount: number) {}

  /** Feed of every node event. */
  onEvent(event: GossamerEvent, now: Millis): void {
    if (event.type === 'neighbour-up' || event.type === 'neighbour-down') {
      this.edgeChanges++;
      this.lastMeshChangeAt = now;
      this.changeTimes.push(now);
    }
  }

  /**
   * When the mesh had made `share` of its first `count` edge changes (all so far by default), ms: the paper's
   * "almost its final structure" (Fig. 7) as a number. 0 when there were none.
   */
  changeShareAt(share: number, count = this.changeTimes.length): Millis {
    if (count === 0) return 0;
    return this.changeTimes[Math.max(0, Math.ceil(share * count) - 1)] as Millis;
  }

  /** Samples discovery over the live nodes; returns the shares known at >= 90% and at 100%. */
  sampleDiscovery(nodes: readonly GossamerNode[], alive: (i: number) => boolean, now: Millis): [number, number] {
    let live = 0;
    let at90 = 0;
    let atAll = 0;
    for (let i = 0; i < nodes.length; i++) {
      if (!alive(i)) continue;
      live++;
      const others = this.scxCount - 1;
      const known = (nodes[i] as GossamerNode).membership.size;
      if (known >= 0.9 * others) at90++;
      if (known >= others) atAll++;
    }
    const share90 = live > 0 ? at90 / live : 0;
    const shareAll = live > 0 ? atAll / live : 0;
    if (share90 === 1 && this.discovery90At === undefined) this.discovery90At = now;
    if (shareAll === 1 && this.discoveryAllAt === undefined) this.discoveryAllAt = now;
    return [share90, shareAll];
  }
}
