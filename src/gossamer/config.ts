import { checkConfig, schemaOf } from '../core/config-check.ts';
import { ErrorCode, ScError } from '../core/errors.ts';
import type { Millis } from '../core/time.ts';

/** Every tunable of a Gossamer node, with units in the names. Defaults follow the paper (section 6.1). */
export interface GossamerConfig {
  /** k1: most mesh edges (out-edges) this SCX may insert towards others. Default 3. */
  readonly k1: number;
  /** k2: most mesh edges (in-edges) this SCX accepts from others; must exceed k1. Default 4. */
  readonly k2: number;
  /** Period of the discovery round (one DISCOVERY exchange) once membership is quiet, and how long growth counts as learning, ms. Default 5000. */
  readonly roundIntervalMs: Millis;
  /** Most SCX ids in one DISCOVERY or DISCOVERY_RESPONSE list (the paper's bound on gamma). Default 30. */
  readonly discoveryBound: number;
  /** Most SCX ids in one DISCOVERY list while still learning (membership grew within roundIntervalMs, or the last answer was news). Default 30. */
  readonly discoveryBoundLearning: number;
  /** The discovery round's period while still learning, ms (roundIntervalMs once quiet). Default 5000. */
  readonly discoveryLearningIntervalMs: Millis;
  /** Most bytes of the membership digest (a Bloom filter) sent with each DISCOVERY, so answers carry news; 0: none. Default 4096. */
  readonly discoveryDigestMaxBytes: number;
  /** Most extra DISCOVERY exchanges per round, each made at once after an answer that brought at least bound/4 new SCXs. Default 3. */
  readonly discoveryFollowUps: number;
  /** Most SCXs new to this one learned from one DISCOVERY or DISCOVERY_RESPONSE list; the new ids past it are refused (counted). Default 512. */
  readonly discoveryMembersPerAnswer: number;
  /** Most SCXs the membership holds, known alive and marked dead together; an id past it is not learned (counted). Default 16384. */
  readonly maxMembers: number;
  /** Most sources one neighbour's route updates may name at once; new sources past it are refused (counted). Default 4096. */
  readonly maxSourcesPerNeighbour: number;
  /** A DISCOVERY_RESPONSE leaves out the asker and the ids it just sent (no news to it); false: a plain random gamma(X) (section 4.1). Default true. */
  readonly discoveryAnswerSkipsTold: boolean;
  /** Hysteresis per known source, in cost-function units (each source scores 0..1): H = this x max(1, known sources). Default 0.15. */
  readonly hysteresisPerSource: number;
  /** The optimiser takes a candidate only if routing through it beats our route to some source (no churn over backup edges). Default true. */
  readonly requireRouteGain: boolean;
  /** Fig. 3's cost function scores a member whose route to a source runs through this SCX 1.0 (as if it had none); false: edge + its advertised cost. Default true. */
  readonly loopingRouteScoresWorst: boolean;
  /** What "beats" means above, and for evicting an idle inbound edge: our route cost cut by at least this fraction (0..1). Default 0.2. */
  readonly routeGainFraction: number;
  /** Probe members in shuffled cycles (each once before any twice) rather than at random. Default true. */
  readonly probeInCycles: boolean;
  /** Within a probe cycle, probe the nearest members first (needs the probe module to measure every member). Default true. */
  readonly probeNearestFirst: boolean;
  /** With requireRouteGain: do not probe a member whose link alone costs more than a route through it could win. Default true. */
  readonly skipHopelessProbes: boolean;
  /** Period of the mesh optimisation round (REQUEST_STATUS probes of candidates), ms. Default 5000. */
  readonly probeIntervalMs: Millis;
  /** Each probe cycle that finds nothing doubles that period, up to this, ms; a new edge resets it. Default 5000. */
  readonly probeIntervalMaxMs: Millis;
  /** At k2, still accept a CONNECT by dropping an inbound edge that carries no distribution tree. Default true. */
  readonly evictIdleInbound: boolean;
  /** Period of full routing-table updates to each neighbour, ms; changes are also sent as triggered updates. Default 30000. */
  readonly routeUpdateIntervalMs: Millis;
  /** Triggered updates go out at most once per this, ms: the first at once, later changes batched (BGP's MRAI). Default 500. */
  readonly routeUpdateMinIntervalMs: Millis;
  /** Route changes go out at once as triggered updates; false: in the periodic update only (section 6.1), save after a LEAVE or failure (4.2.2); a new edge gets the table either way. Default true. */
  readonly triggeredRouteUpdates: boolean;
  /** Period of the liveness tick: keepalives on quiet edges, timeouts, expiries, ms. Default 1000. */
  readonly keepaliveIntervalMs: Millis;
  /** A neighbour silent this long is suspected (then pinged for suspicionMs before it is declared failed), ms. Default 3500. */
  readonly neighbourTimeoutMs: Millis;
  /** A silent neighbour is pinged this long, once per tick, before it is declared failed, ms. Default 2000. */
  readonly suspicionMs: Millis;
  /** An unanswered REQUEST_STATUS, DISCOVERY or CONNECT is given up after this long, ms. Default 3000. */
  readonly requestTimeoutMs: Millis;
  /** A known SCX that misses this many requests in a row is forgotten (gossip may bring it back). Default 3. */
  readonly maxMissedRequests: number;
  /** How long an SCX stays marked dead after a LEAVE, unless it is heard from directly first, ms. Default 120000. */
  readonly deadMemoryMs: Millis;
  /** Messages from an SCX marked dead less than this long ago are dropped as stale (they may predate its death), ms. Default 2000. */
  readonly staleAfterDeathMs: Millis;
  /** Period of the elected generator's HEARTBEAT flood and of the rendezvous election pings, ms. Default 5000. */
  readonly heartbeatIntervalMs: Millis;
  /** No HEARTBEAT for this long means this SCX is cut off from the generator, ms. Default 15000. */
  readonly heartbeatTimeoutMs: Millis;
  /** A cut-off SCX waits a random time in [0, this] before each heal, so that not all heal at once, ms. Default 10000. */
  readonly healDampingMs: Millis;
  /** Most CONNECT attempts in one heal (the generator, the other rendezvous, SCXs lately declared failed, the alternatives of each refusal, members). Default 8. */
  readonly healMaxAttempts: number;
  /** A re-measured link cost changes routes only if it moved by more than this fraction of the cost routes use (which stays until then). Default 0.05. */
  readonly linkCostChangeFraction: number;
  /** A re-measured link cost changes routes only if it also moved by more than this, ms (a floor under linkCostChangeFraction: sub-ms jitter on a LAN changes nothing). Default 0. */
  readonly linkCostChangeMinMs: number;
  /** A source's upstream changes only for a route cheaper by more than this, ms, and by routeSwitchMinGainFraction of its cost (a gone upstream goes at once); the optimiser seeks no smaller gain. Default 0. */
  readonly routeSwitchMinGainMs: number;
  /** The least gain for a new upstream, as a fraction (0..1) of the current route's cost (see routeSwitchMinGainMs); both 0: the cheapest route always wins. Default 0. */
  readonly routeSwitchMinGainFraction: number;
  /** A LEAVE issued by another SCX on X's behalf (a failure report) marks X failed only if X, pinged by this SCX, stays silent for failureCheckMs; false: at once (section 4.2.2). Default false. */
  readonly verifyFailureReports: boolean;
  /** How long a reported SCX has to answer this SCX's ping before the report is believed, ms (verifyFailureReports). Default 2000. */
  readonly failureCheckMs: Millis;
}

/** The paper's parameters. */
export const DEFAULT_GOSSAMER_CONFIG: GossamerConfig = Object.freeze({
  k1: 3,
  k2: 4,
  roundIntervalMs: 5000,
  discoveryBound: 30,
  discoveryBoundLearning: 30,
  discoveryLearningIntervalMs: 5000,
  discoveryFollowUps: 3,
  discoveryDigestMaxBytes: 4096,
  discoveryAnswerSkipsTold: true,
  discoveryMembersPerAnswer: 512,
  maxMembers: 16384,
  maxSourcesPerNeighbour: 4096,
  hysteresisPerSource: 0.15,
  evictIdleInbound: true,
  probeInCycles: true,
  probeNearestFirst: true,
  probeIntervalMs: 5000,
  probeIntervalMaxMs: 5000,
  skipHopelessProbes: true,
  requireRouteGain: true,
  loopingRouteScoresWorst: true,
  routeGainFraction: 0.2,
  routeUpdateIntervalMs: 30000,
  routeUpdateMinIntervalMs: 500,
  triggeredRouteUpdates: true,
  keepaliveIntervalMs: 1000,
  neighbourTimeoutMs: 3500,
  suspicionMs: 2000,
  requestTimeoutMs: 3000,
  maxMissedRequests: 3,
  deadMemoryMs: 120000,
  staleAfterDeathMs: 2000,
  heartbeatIntervalMs: 5000,
  heartbeatTimeoutMs: 15000,
  healDampingMs: 10000,
  healMaxAttempts: 8,
  linkCostChangeFraction: 0.05,
  linkCostChangeMinMs: 0,
  routeSwitchMinGainMs: 0,
  routeSwitchMinGainFraction: 0,
  verifyFailureReports: false,
  failureCheckMs: 2000,
});

const POSITIVE_INTEGERS = ['k1', 'k2', 'discoveryBound', 'discoveryBoundLearning', 'discoveryMembersPerAnswer', 'maxMembers', 'maxSourcesPerNeighbour', 'maxMissedRequests', 'healMaxAttempts'] as const;
const POSITIVE_DURATIONS = [
  'roundIntervalMs',
  'discoveryLearningIntervalMs',
  'probeIntervalMs',
  'probeIntervalMaxMs',
  'routeUpdateIntervalMs',
  'routeUpdateMinIntervalMs',
  'keepaliveIntervalMs',
  'neighbourTimeoutMs',
  'suspicionMs',
  'requestTimeoutMs',
  'deadMemoryMs',
  'staleAfterDeathMs',
  'heartbeatIntervalMs',
  'heartbeatTimeoutMs',
  'failureCheckMs',
] as const;

/** The keys of GossamerConfig and their JSON types, derived from the defaults: a key added there is checked too. */
export const GOSSAMER_CONFIG_SCHEMA = schemaOf(DEFAULT_GOSSAMER_CONFIG);

/**
 * Merges overrides onto the defaults and validates: an unknown key or wrong type throws a ConfigError
 * (ERR_CONFIG_UNKNOWN_KEY, ERR_CONFIG_TYPE), a bad value ScError(ERR_CONFIG_INVALID).
 */
export function gossamerConfig(overrides: Partial<GossamerConfig> = {}): GossamerConfig {
  checkConfig(overrides, GOSSAMER_CONFIG_SCHEMA);
  const c: GossamerConfig = { ...DEFAULT_GOSSAMER_CONFIG, ...overrides };
  const bad = (msg: string): never => {
    throw new ScError(ErrorCode.CONFIG_INVALID, msg);
  };
  for (const key of POSITIVE_INTEGERS) {
    if (!Number.isInteger(c[key]) || c[key] < 1) bad(`${key} must be a positive integer, got ${c[key]}`);
  }
  for (const key of POSITIVE_DURATIONS) {
    if (!Number.isFinite(c[key]) || c[key] <= 0) bad(`${key} must be a positive number of ms, got ${c[key]}`);
  }
  if (!Number.isInteger(c.discoveryFollowUps) || c.discoveryFollowUps < 0) {
    bad(`discoveryFollowUps must be an integer >= 0, got ${c.discoveryFollowUps}`);
  }
  if (!Number.isInteger(c.discoveryDigestMaxBytes) || c.discoveryDigestMaxBytes < 0 || c.discoveryDigestMaxBytes > 4096) {
    bad(`discoveryDigestMaxBytes must be an integer in 0..4096, got ${c.discoveryDigestMaxBytes}`);
  }
  if (c.probeIntervalMaxMs < c.probeIntervalMs) bad(`probeIntervalMaxMs (${c.probeIntervalMaxMs}) must be >= probeIntervalMs (${c.probeIntervalMs})`);
  if (c.k2 <= c.k1) bad(`degree <k1,k2> needs k2 > k1, got <${c.k1},${c.k2}>`);
  if (!(c.hysteresisPerSource >= 0) || !Number.isFinite(c.hysteresisPerSource)) {
    bad(`hysteresisPerSource must be a finite number >= 0, got ${c.hysteresisPerSource}`);
  }
  if (!(c.healDampingMs >= 0) || !Number.isFinite(c.healDampingMs)) bad(`healDampingMs must be >= 0, got ${c.healDampingMs}`);
  if (!(c.routeGainFraction >= 0 && c.routeGainFraction < 1)) bad(`routeGainFraction must be in [0, 1), got ${c.routeGainFraction}`);
  if (!(c.linkCostChangeFraction >= 0)) bad(`linkCostChangeFraction must be >= 0, got ${c.linkCostChangeFraction}`);
  for (const key of ['linkCostChangeMinMs', 'routeSwitchMinGainMs'] as const) {
    if (!(c[key] >= 0) || !Number.isFinite(c[key])) bad(`${key} must be a finite number of ms >= 0, got ${c[key]}`);
  }
  if (!(c.routeSwitchMinGainFraction >= 0 && c.routeSwitchMinGainFraction < 1)) {
    bad(`routeSwitchMinGainFraction must be in [0, 1), got ${c.routeSwitchMinGainFraction}`);
  }
  if (c.neighbourTimeoutMs <= c.keepaliveIntervalMs) {
    bad(`neighbourTimeoutMs (${c.neighbourTimeoutMs}) must exceed keepaliveIntervalMs (${c.keepaliveIntervalMs})`);
  }
  return Object.freeze(c);
}
