import type { GossamerConfig } from './config.ts';

/**
 * Named sets of protocol parameters, applied over the defaults:
 * - `paper`: the paper's algorithms and parameters (section 4, 6.1), every refinement of ours off, save three
 *   readings where the text is silent or loose, kept on (the defaults) and switchable one by one: the
 *   DISCOVERY_RESPONSE leaves out what the asker just sent (`discoveryAnswerSkipsTold`; the paper's is a plain
 *   random gamma(X)), route changes go out as triggered updates (`triggeredRouteUpdates`; the paper only says
 *   updates run every 30 s), and a route through this SCX scores 1.0 in Fig. 3 (`loopingRouteScoresWorst`). The
 *   fourth departure is the simulator's 1200-s time cap (`maxTimeS`, `--max-time`): the paper ran to stability;
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
    // Departures from the text, the defaults, spelled out: set each false for the literal reading.
    discoveryAnswerSkipsTold: true,
    triggeredRouteUpdates: true,
    loopingRouteScoresWorst: true,
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
