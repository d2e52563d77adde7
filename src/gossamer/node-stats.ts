import type { FailureCheckCounts } from './liveness/failure-check.ts';
import type { MembersRefused } from './membership/membership.ts';

/** Counters of one node, for metrics. */
export interface NodeStats {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  /** Messages dropped because they failed to decode. */
  malformed: number;
  /** Neighbours suspected at once on a driver's hint (`suspect`), not already suspected. */
  suspectHints: number;
  /** Suspected neighbours declared failed at once because their host refused a connection (`refused`). */
  refusedFailures: number;
  /** Ids `acceptId` refused: gossiped, named as a link to measure, or the sender of a message (then dropped). */
  idsRefused: number;
  /** Ids the membership's bounds refused (discoveryMembersPerAnswer, maxMembers), by reason. */
  readonly membersRefused: MembersRefused;
  /** Sources refused in route updates: their neighbour already advertised `maxSourcesPerNeighbour`. */
  routesRefused: number;
  /** Failure reports checked by pinging the reported SCX (`verifyFailureReports`), by outcome. */
  readonly failureChecks: FailureCheckCounts;
}

/** Zeroed counters. */
export function newNodeStats(): NodeStats {
  return { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0, malformed: 0, suspectHints: 0, refusedFailures: 0, idsRefused: 0, membersRefused: { answer: 0, full: 0 }, routesRefused: 0, failureChecks: { refuted: 0, confirmed: 0, overflow: 0 } };
}
