/** Counters of one rtp module instance (`counters()`, on /metrics as `scattercast_module_events_total{counter}`). */
export interface RtpStats {
  /** Data packets sent on downstream links as they came (RTP and RTCP), one per link. */
  packetsForwarded: number;
  /** Data packets handed to this SCX's local clients. */
  packetsDelivered: number;
  /** RTCP compounds among the accepted data packets (SR, SDES, BYE from the source). */
  rtcpPackets: number;
  /** Data packets whose payload is neither an RTP packet of payload type 14 nor a valid RTCP compound (dropped). */
  payloadsRefused: number;
  /** Data packets seen already in their stream (dropped). */
  duplicates: number;
  /** Data packets older than their stream's duplicate window (dropped). */
  stale: number;
  /** Packets of a new source while `maxSources` were tracked, or of a new stream while `maxStreams` were (dropped). */
  sourcesRefused: number;
  /** Sources forgotten after `sourceIdleMs` without a packet. */
  sourcesExpired: number;
  /** Aggregate reports sent upstream. */
  aggregatesOut: number;
  /** Aggregate reports taken from downstream links. */
  aggregatesIn: number;
  /** Aggregates about an SSRC this SCX does not send, or from a link that is not downstream of its source (ignored). */
  aggregatesRefused: number;
  /** Control messages that are not a valid aggregate (ignored; also `drop('malformed')`). */
  aggregatesMalformed: number;
  /** Downstream aggregates forgotten unused: no newer one came within `staleAfterIntervals` report intervals. */
  aggregatesStale: number;
  /** Links stepped down one tier (lower bitrate). */
  tierStepsDown: number;
  /** Links stepped up one tier. */
  tierStepsUp: number;
  /** Steps down wanted while the module has no transcoder factory (adaptation off: the link keeps the original). */
  adaptationOff: number;
  /** Transcoders started, one per (input stream, tier). */
  transcodersOpened: number;
  /** Transcoders closed (no link uses their tier any more, or their input ended). */
  transcodersClosed: number;
  /** MP3 frames fed to transcoders. */
  transcoderFramesIn: number;
  /** MP3 frames the transcoders gave back, packetized and sent. */
  transcoderFramesOut: number;
  /** Input frames not fed: not an MP3 frame header, or lost in reassembly (a fragment missing). */
  transcoderFramesDropped: number;
  /** Times the transcoder factory threw instead of starting a transcoder (the frame is lost; the next one tries again). */
  transcoderErrors: number;
  /** Packets of transcoded streams sent on downstream links, one per link. */
  tierPacketsSent: number;
}

/** All counters at zero. */
export function newRtpStats(): RtpStats {
  return {
    packetsForwarded: 0,
    packetsDelivered: 0,
    rtcpPackets: 0,
    payloadsRefused: 0,
    duplicates: 0,
    stale: 0,
    sourcesRefused: 0,
    sourcesExpired: 0,
    aggregatesOut: 0,
    aggregatesIn: 0,
    aggregatesRefused: 0,
    aggregatesMalformed: 0,
    aggregatesStale: 0,
    tierStepsDown: 0,
    tierStepsUp: 0,
    adaptationOff: 0,
    transcodersOpened: 0,
    transcodersClosed: 0,
    transcoderFramesIn: 0,
    transcoderFramesOut: 0,
    transcoderFramesDropped: 0,
    transcoderErrors: 0,
    tierPacketsSent: 0,
  };
}
