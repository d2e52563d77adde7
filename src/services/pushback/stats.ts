/** Counters of one pushback module instance (`counters()`, on /metrics as `scattercast_module_events_total`). */
export interface PushbackStats {
  /** CONGESTION notices sent upstream. */
  noticesSent: number;
  /** CONGESTION notices taken from downstream links. */
  noticesReceived: number;
  /** Notices about an untracked source, or from a link not downstream of it (ignored). */
  noticesRefused: number;
  /** Notices of the limit sent to local sender clients (one per client). */
  clientNotices: number;
  /** Times the source SCX's limit changed (a notice lowered it, a probe raised it, or it was lifted). */
  limitChanges: number;
  /** Local source packets dropped because the pacer held `pacerBytes` already. */
  pacerDrops: number;
  /** Packets from an upstream that named a new source while `maxSources` were tracked (passed to forward, no pushback state). */
  sourcesRefused: number;
}

/** All counters at zero. */
export function newPushbackStats(): PushbackStats {
  return { noticesSent: 0, noticesReceived: 0, noticesRefused: 0, clientNotices: 0, limitChanges: 0, pacerDrops: 0, sourcesRefused: 0 };
}
