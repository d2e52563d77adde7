/** Counters of one reliable module instance (one channel at one SCX), for tests and metrics. */
export interface ReliableStats {
  /** Sequence numbers this SCX found missing in a source's stream (its own gaps). */
  gapsDetected: number;
  /** NACK messages sent upstream. */
  nacksSent: number;
  /** Sequence numbers named in them: first requests, retries and requests forwarded for downstream links. */
  nackSeqsSent: number;
  /** Sequence numbers NACKed again by this SCX's retry timer (a repair did not come in time). */
  nackRetries: number;
  /** NACK messages received from downstream links. */
  nacksReceived: number;
  /** Sequence numbers named in them. */
  nackSeqsReceived: number;
  /** Of those, asked upstream on behalf of the downstream link (this SCX had no request open for them yet). */
  nackSeqsForwarded: number;
  /** Of those, suppressed: a request was already open upstream, the link only joined its soft state. */
  nackSeqsSuppressed: number;
  /** Of those, ignored: cached, but sent to that link as a repair under `nackEliminateMs` ago (the NACK crossed it). */
  nackSeqsEliminated: number;
  /** Of those, neither cached nor askable upstream (this SCX is the source, or has no route). */
  unrepairable: number;
  /** Packets sent from the repair cache to a link that NACKed them. */
  retransmissions: number;
  /** Repaired packets that arrived for an open request. */
  repairsReceived: number;
  /** Repaired packets passed on to the links in a request's soft state. */
  repairsForwarded: number;
  /** Sequence numbers local delivery gave up on, each reported to the clients (also counted with ctx.drop, but for `jump`). */
  giveUps: number;
  /** Loss reports delivered to the local clients: one per run of consecutive given-up seqs. */
  lossReports: number;
  /** SPMs this SCX sent as the source SCX (heartbeats and openings), one per downstream link. */
  spmsSent: number;
  /** SPMs received from the source's upstream link. */
  spmsReceived: number;
  /** SPMs passed on to downstream links. */
  spmsForwarded: number;
  /** Sequence numbers found missing only through an SPM (a stream's tail). */
  spmGaps: number;
  /** Sequence numbers answered UNAVAILABLE (NACKed, but not cached here and nobody above has them). */
  unavailableSent: number;
  /** Sequence numbers an UNAVAILABLE from upstream named while a request waited for them. */
  unavailableReceived: number;
  /** SPMs and UNAVAILABLEs ignored because their link is not the upstream of the source they name. */
  controlNotUpstream: number;
  /** Jumps in a source's numbering too large for a gap, taken as a restart. */
  resyncs: number;
  /** Longest a gap of this SCX's own waited for its repair, ms. */
  maxRepairMs: number;
  /** NACK, SPM and UNAVAILABLE messages dropped as malformed (other types go to the forward module inside). */
  malformed: number;
  /** NACK, SPM and UNAVAILABLE messages ignored because their link sent over `maxNacksPerSecond` of them. */
  nacksRateLimited: number;
  /** NACK messages ignored because their link is not downstream of the source they name (repairs go only down the tree). */
  nacksNotDownstream: number;
  /** Fresh packets of a new source delivered without repair state because `maxSources` were tracked. */
  sourcesRefused: number;
  /** Source states forgotten after `sourceIdleMs` without a packet. */
  sourcesExpired: number;
}

/** Zeroed counters. */
export function newReliableStats(): ReliableStats {
  return {
    gapsDetected: 0,
    nacksSent: 0,
    nackSeqsSent: 0,
    nackRetries: 0,
    nacksReceived: 0,
    nackSeqsReceived: 0,
    nackSeqsForwarded: 0,
    nackSeqsSuppressed: 0,
    nackSeqsEliminated: 0,
    unrepairable: 0,
    retransmissions: 0,
    repairsReceived: 0,
    repairsForwarded: 0,
    giveUps: 0,
    lossReports: 0,
    spmsSent: 0,
    spmsReceived: 0,
    spmsForwarded: 0,
    spmGaps: 0,
    unavailableSent: 0,
    unavailableReceived: 0,
    controlNotUpstream: 0,
    resyncs: 0,
    maxRepairMs: 0,
    malformed: 0,
    nacksRateLimited: 0,
    nacksNotDownstream: 0,
    sourcesRefused: 0,
    sourcesExpired: 0,
  };
}
