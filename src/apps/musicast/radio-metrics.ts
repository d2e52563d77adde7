/** MusiCast on the node's `/metrics`: players per mount, sources, fills, the ingest's refusals. */

import type { Registry } from 'prom-client';
import { family, type Sample } from '../../daemon/metric-family.ts';
import type { Radio } from './radio.ts';
import { RtpModule } from '../../services/rtp/rtp.ts';
import type { RootReport } from '../../services/rtp/reports.ts';
import { STREAM_CHANNEL } from './station-mount.ts';

/** What the radio families read. */
export type RadioMetrics = Pick<Radio, 'mounts' | 'port'>;

/** Registers the radio families on `r`. */
export function addRadio(r: Registry, radio: RadioMetrics): void {
  const perMount = (f: (m: Radio['mounts'] extends ReadonlyMap<string, infer M> ? M : never) => number) => (): Sample[] =>
    [...radio.mounts].map(([mount, m]): Sample => [{ mount }, f(m)]);
  const M = ['mount'];
  family(r, 'gauge', 'scattercast_radio_listeners', 'Players connected to the mount at this node.', M, perMount((m) => m.listeners.listeners));
  family(r, 'gauge', 'scattercast_radio_listener_peak', 'Most players the mount had at once at this node.', M, perMount((m) => m.listeners.peak));
  family(r, 'counter', 'scattercast_radio_listeners_accepted_total', 'Players the mount accepted.', M, perMount((m) => m.listeners.counters.accepted));
  family(r, 'counter', 'scattercast_radio_listeners_cut_total', 'Players cut for falling further behind than radio.queueBytes.', M, perMount((m) => m.listeners.counters.cut));
  family(r, 'counter', 'scattercast_radio_listeners_refused_total', 'Players refused at radio.maxListeners.', M, perMount((m) => m.listeners.counters.refused));
  family(r, 'counter', 'scattercast_radio_listener_bytes_total', 'Bytes written to the mount\'s players.', M, perMount((m) => m.listeners.counters.bytesOut));
  family(r, 'gauge', 'scattercast_radio_source_live', 'Whether an encoder feeds the mount at this node (1) or not (0).', M, perMount((m) => (m.source.isLive ? 1 : 0)));
  family(r, 'counter', 'scattercast_radio_source_bytes_total', 'Bytes the mount\'s encoders sent to this node.', M, perMount((m) => m.source.counters.bytesIn));
  family(r, 'counter', 'scattercast_radio_source_dropped_bytes_total', 'Encoder bytes that were no MP3 audio frame (tags, Xing/Info, garbage).', M, perMount((m) => m.source.counters.bytesDropped));
  family(r, 'counter', 'scattercast_radio_frames_total', 'Frames the mount played here, from a source (live) or the fallback or silence (fill).', ['mount', 'kind'], () =>
    [...radio.mounts].flatMap(([mount, m]): Sample[] => [
      [{ mount, kind: 'live' }, m.edge.counters.liveFrames],
      [{ mount, kind: 'fill' }, m.edge.counters.fillFrames],
    ]),
  );
  family(r, 'counter', 'scattercast_radio_outages_total', 'Outages the mount filled (no source playing for radio.stallMs, or a BYE).', M, perMount((m) => m.edge.counters.outages));
  family(r, 'counter', 'scattercast_radio_source_switches_total', 'Times the mount\'s playing source changed (a backup took over, the primary came back).', M, perMount((m) => m.edge.counters.switches));
  family(r, 'counter', 'scattercast_radio_malformed_total', 'Stream payloads that were neither RTP/MPA nor RTCP.', M, perMount((m) => m.edge.counters.malformed));
  family(r, 'counter', 'scattercast_radio_multicast_packets_total', 'RTP packets sent to the mount\'s local multicast group (radio.multicast).', M, perMount((m) => m.multicastCounters?.packets ?? 0));
  family(r, 'counter', 'scattercast_radio_multicast_send_errors_total', 'RTP packets the multicast group\'s socket refused or dropped.', M, perMount((m) => (m.multicastCounters ? m.multicastCounters.sendErrors + m.multicastCounters.dropped : 0)));
  // The rtp module of each mount's stream at this node: the subtree's reports (at the source's SCX) and each branch's bitrate.
  const modules = (): Array<[string, RtpModule]> =>
    [...radio.mounts].flatMap(([mount, m]): Array<[string, RtpModule]> => {
      const mod = m.session.channels.get(STREAM_CHANNEL)?.runtime.module;
      return mod instanceof RtpModule ? [[mount, mod]] : [];
    });
  const root = (f: (r: RootReport) => number) => (): Sample[] =>
    modules().flatMap(([mount, mod]): Sample[] => {
      const r = mod.rootReport();
      return r ? [[{ mount }, f(r)]] : [];
    });
  family(r, 'gauge', 'scattercast_rtp_receivers', 'SCXs receiving the mount\'s stream below this source SCX (RTCP aggregate).', M, root((x) => x.receivers));
  family(r, 'gauge', 'scattercast_rtp_fraction_lost', 'Fraction of the stream\'s packets lost over the tree in the last report interval (RTCP aggregate).', M, root((x) => x.fractionLost));
  family(r, 'gauge', 'scattercast_rtp_jitter_seconds', 'Interarrival jitter over the tree, worst and mean receiver, seconds (RTCP aggregate).', ['mount', 'stat'], () =>
    modules().flatMap(([mount, mod]): Sample[] => {
      const x = mod.rootReport();
      return x ? [[{ mount, stat: 'worst' }, x.jitterWorstMs / 1000], [{ mount, stat: 'mean' }, x.jitterMeanMs / 1000]] : [];
    }),
  );
  family(r, 'gauge', 'scattercast_rtp_link_kbps', 'Bitrate each downstream link gets of the mount\'s stream, kbit/s (lower: stepped down for loss).', ['mount', 'link'], () =>
    modules().flatMap(([mount, mod]) => mod.linkTiers().map((t): Sample => [{ mount, link: t.link }, t.kbps])),
  );
  const c = radio.port.counters;
  family(r, 'counter', 'scattercast_radio_ingest_refused_total', 'Requests the radio port refused, by code.', ['code'], () =>
    Object.entries(c.refused).map(([code, n]): Sample => [{ code }, n]),
  );
  family(r, 'counter', 'scattercast_radio_ingest_sources_total', 'Encoders the radio port accepted.', [], () => [[{}, c.sources]]);
  family(r, 'counter', 'scattercast_radio_ingest_stalled_total', 'Encoders ended for sending nothing for the ingest\'s stall time.', [], () => [[{}, c.stalled]]);
  family(r, 'counter', 'scattercast_radio_metadata_updates_total', 'Title updates (/admin/metadata) accepted.', [], () => [[{}, c.metadata]]);
}
