/** Counters of one adu module instance (one channel at one SCX), for tests and metrics (`counters()`). */
export interface AduStats {
  /** Data packets whose payload is not an ADU fragment (dropped, never forwarded). */
  malformedFragments: number;
  /** Control messages (NACK, UNAVAILABLE, SUMMARY, interest) that did not decode, or from a link that may not send them. */
  malformedControl: number;
  /** Control messages over a link's `maxControlPerSecond` (ignored). */
  controlRateLimited: number;
  /** Client interest reports that did not decode (ignored). */
  malformedInterest: number;
  /** Interest reports refused because `maxInterestOwners` report already, or they would list over `maxInterestSlides` slides. */
  interestOwnersRefused: number;
  /** Reliable fragments found missing here (gaps in a slide's numbering, or past a SUMMARY's highest). */
  gapsDetected: number;
  /** Jumps in a slide's numbering beyond `maxGapFragments` (not repaired). */
  gapsTooLarge: number;
  /** Slides not tracked because `maxSlides` are (their fragments go unrepaired). */
  slidesRefused: number;
  /** Fragments NACKed upstream (first requests, retries, and requests passed on for downstream links). */
  nackSeqsSent: number;
  /** NACK messages sent upstream. */
  nacksSent: number;
  /** Fragments a NACK of this SCX's own waited for, over its interest level's budget. */
  nacksDeferred: number;
  /** Fragments NACKed by downstream links. */
  nackSeqsReceived: number;
  /** Of those, suppressed: already asked upstream, the link joined the request. */
  nackSeqsSuppressed: number;
  /** Of those, from a link not downstream of the source, beyond the slide's known numbering, or past `maxOpenRequests` (ignored). */
  nackSeqsRefused: number;
  /** Of those, cached but sent to that link as a repair within `repairEliminateMs` (ignored: the NACK crossed the repair). */
  nackSeqsEliminated: number;
  /** Of those, over the link's `maxNackSeqsPerSecond` (ignored). */
  nackSeqsRateLimited: number;
  /** Gap runs cut short because `maxOpenRequests` requests were open (the rest not repaired). */
  requestsRefused: number;
  /** Fragments sent from the cache as repairs (high- and low-interest together). */
  retransmissions: number;
  /** Of those, sent in class `repair-high`. */
  retransmissionsHigh: number;
  /** Repaired fragments that arrived for an open request. */
  repairsReceived: number;
  /** Repaired fragments passed on to downstream links that asked. */
  repairsForwarded: number;
  /** Fragments answered UNAVAILABLE (sent), and UNAVAILABLE fragments received for this SCX's own requests. */
  unavailableSent: number;
  unavailableReceived: number;
  /** Fragments this SCX gave up after `maxNacks`. */
  giveUps: number;
  /** SUMMARY messages sent (as the source SCX) and relayed. */
  summariesSent: number;
  summariesRelayed: number;
  /** Interest reports sent upstream. */
  interestSent: number;
  /** Whole ADUs delivered to the local clients. */
  adusDelivered: number;
  /** Fragments or whole ADUs of a version at or below one already delivered (dropped). */
  staleDropped: number;
  /** ADUs held for their `after` object. */
  afterHeld: number;
  /** Of those, released when their wait ran out (or the hold was full) rather than by the object. */
  afterReleasedLate: number;
  /** Fragments that arrived again (already had or given up; dropped). */
  duplicates: number;
  /** Fragments sent in class `high` (fresh, on a link whose side wants the slide). */
  freshHigh: number;
  /** Fragments sent in class `low`. */
  freshLow: number;
  /** Longest repair of this SCX's own gaps, ms. */
  maxRepairMs: number;
}

/** Zeroed counters. */
export function newAduStats(): AduStats {
  return {
    malformedFragments: 0,
    malformedControl: 0,
    controlRateLimited: 0,
    malformedInterest: 0,
    interestOwnersRefused: 0,
    gapsDetected: 0,
    gapsTooLarge: 0,
    slidesRefused: 0,
    nackSeqsSent: 0,
    nacksSent: 0,
    nacksDeferred: 0,
    nackSeqsReceived: 0,
    nackSeqsSuppressed: 0,
    nackSeqsRefused: 0,
    nackSeqsEliminated: 0,
    nackSeqsRateLimited: 0,
    requestsRefused: 0,
    retransmissions: 0,
    retransmissionsHigh: 0,
    repairsReceived: 0,
    repairsForwarded: 0,
    unavailableSent: 0,
    unavailableReceived: 0,
    giveUps: 0,
    summariesSent: 0,
    summariesRelayed: 0,
    interestSent: 0,
    adusDelivered: 0,
    staleDropped: 0,
    afterHeld: 0,
    afterReleasedLate: 0,
    duplicates: 0,
    freshHigh: 0,
    freshLow: 0,
    maxRepairMs: 0,
  };
}
