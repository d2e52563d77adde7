import type { GossamerConfig } from './config.ts';

/**
 * Named sets of protocol parameters, applied over the defaults:
 * - `paper`: the paper's algorithms and parameters exactly (section 4, 6.1), every refinement of ours off;
 * - `base`: the defaults: the paper's parameters with our structural refinements (digests, probe cycles
 *   nearest first, route gain, idle-edge eviction);
 * - `tuned`: `base` plus adaptive timing and bounds: a large discovery bound and fast rounds while learning, a
 *   small bound once quiet; fast probing that backs off while it finds nothing.
 */
export const PROFILES = {
  paper: {
    discoveryFollowUps: 0,
    discoveryDigestMaxBytes: 0,
    evictIdleInbound: false,
    requireRouteGain: false,
    probeInCycles: false,
    probeNearestFirst: false,
  },
  base: {},
  tuned: {
    discoveryBound: 8,
    discoveryBoundLearning: 60,
    discoveryLearningIntervalMs: 500,
    probeIntervalMs: 1000,
    probeIntervalMaxMs: 30000,
  },
} as const satisfies Record<string, Partial<GossamerConfig>>;

/** A profile's name. */
export type ProfileName = keyof typeof PROFILES;

/** The profile names, for flags and reports. */
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
