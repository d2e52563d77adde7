/**
 * One mount at one node: its session (`scast://station/mount`, one channel carried by the `rtp` module), the
 * source an encoder feeds here, the edge that turns what the overlay delivers back into one unbroken MP3 stream,
 * the players listening here, and the RTP multicast edge, if any.
 */

import type { Announcement } from '../../session/announcement.ts';
import { parseSessionName } from '../../session/name.ts';
import type { DataPacket } from '../../session/data-header.ts';
import type { SessionRuntime } from '../../daemon/session-runtime.ts';
import { MountSource } from './mount-source.ts';
import { RtpFramer } from './rtp-framer.ts';
import { MountEdge } from './mount-edge.ts';
import { MountListeners } from './listen/mount-listeners.ts';
import { RtpMulticastEdge } from './edge/multicast-edge.ts';
import { mountSdp } from './edge/sdp.ts';
import { channelGroup } from '../../daemon/local-multicast.ts';
import { parseMp3Header } from '../../services/rtp/wire/mp3-header.ts';
import { mountSessionName, type RadioConfig, type RadioMount } from './radio-config.ts';

/** The channel of a mount's session that carries its stream. */
export const STREAM_CHANNEL = 0;

/** The transport (service module) of a mount's stream between SCXs. */
export const STREAM_TRANSPORT = 'rtp';

/** The announcement of a mount's session: one channel, carried by the `rtp` module. */
export function mountAnnouncement(config: RadioConfig, mount: RadioMount, self: string): Announcement {
  return {
    name: parseSessionName(mountSessionName(config.station, mount.mount)),
    description: mount.name,
    channels: [{ id: STREAM_CHANNEL, unicast: STREAM_TRANSPORT, description: 'MP3 as RTP/MPA (RFC 2250) with RTCP' }],
    rendezvous: config.rendezvous ?? [self],
  };
}

/** The RTP stream a mount's edge sends to its multicast group: its own SSRC, seq and clock across source changes. */
interface MulticastStream {
  readonly edge: RtpMulticastEdge;
  readonly framer: RtpFramer;
}

/** One mount at this node. */
export class StationMount {
  readonly source: MountSource;
  readonly edge: MountEdge;
  readonly listeners: MountListeners;
  private multicast: MulticastStream | undefined;

  constructor(
    readonly config: RadioMount,
    readonly session: SessionRuntime,
    radio: RadioConfig,
    self: string,
    fallback: readonly Buffer[],
  ) {
    this.listeners = new MountListeners(
      { mount: config.mount, name: config.name, ...(config.genre !== undefined && { genre: config.genre }), bitrateKbps: config.bitrate },
      { metaint: radio.metaint, burstBytes: radio.burstBytes, queueBytes: radio.queueBytes, maxListeners: radio.maxListeners, batchMs: radio.batchMs },
    );
    this.source = new MountSource({ session, source: `radio:${config.priority}@${self}`, channel: STREAM_CHANNEL, wallClock: Date.now });
    this.edge = new MountEdge({
      bitrateKbps: config.bitrate,
      stallMs: radio.stallMs,
      fallback,
      clock: () => performance.now(),
      frame: (bytes) => this.play(bytes),
      title: (title) => this.listeners.setTitle(title),
    });
  }

  /** Serves the stream on a local multicast group too (radio.multicast). */
  async serveMulticast(o: NonNullable<RadioConfig['multicast']>): Promise<void> {
    const edge = new RtpMulticastEdge({ interface: o.interface, group: channelGroup(this.session.id, STREAM_CHANNEL), port: o.port, ttl: o.ttl });
    await edge.start();
    this.multicast = { edge, framer: new RtpFramer() };
  }

  /** The multicast edge's counters, when the mount is multicast. */
  get multicastCounters(): RtpMulticastEdge['counters'] | undefined {
    return this.multicast?.edge.counters;
  }

  /** The SDP of the multicast stream (`GET /mount.sdp`), or undefined when the mount is not multicast. */
  sdp(radio: RadioConfig): string | undefined {
    const m = this.multicast;
    if (!m || !radio.multicast) return undefined;
    return mountSdp({
      group: channelGroup(this.session.id, STREAM_CHANNEL),
      port: radio.multicast.port,
      ttl: radio.multicast.ttl,
      sourceAddress: radio.multicast.interface,
      sessionName: this.config.name,
      title: this.listeners.title,
      ssrc: m.framer.ssrc,
    });
  }

  /** A packet the mount's session delivered here. */
  onDelivery(packet: DataPacket): void {
    this.edge.onPayload(packet.header.source, packet.bytes.subarray(packet.payloadOffset));
  }

  /** Runs the edge's fill and the source's reports (every 20 ms or so). */
  tick(): void {
    this.edge.tick();
    this.source.tick();
  }

  /** Ends the source, the players and the multicast edge. */
  close(): void {
    this.source.stop();
    this.listeners.close();
    this.multicast?.edge.close();
  }

  /** Where the playing stream's frames go: every player here, and the multicast group. */
  private play(frame: Buffer): void {
    this.listeners.pushFrame(frame);
    const m = this.multicast;
    if (!m) return;
    const header = parseMp3Header(frame, 0);
    if (!header) return;
    for (const packet of m.framer.packetsOf(frame, header.sampleRate, header.samplesPerFrame)) m.edge.send(packet);
  }
}
