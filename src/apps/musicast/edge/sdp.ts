/**
 * The SDP (RFC 4566) of a mount's multicast stream, served as `GET /mount.sdp` so that ffplay, VLC and mpv can tune
 * in: one audio medium, RTP/AVP payload type 14 (MPEG audio, RFC 3551, 90 kHz), on the group with its TTL.
 */

import { isIPv4 } from 'node:net';
import { MPA_PAYLOAD_TYPE, RTP_CLOCK_HZ } from '../../../services/rtp/wire/mpa.ts';

/** What the SDP describes. */
export interface MountSdpOptions {
  /** The multicast group, IPv4. */
  readonly group: string;
  /** UDP port of the RTP stream. */
  readonly port: number;
  /** Multicast TTL, hops (0..255). */
  readonly ttl: number;
  /** IPv4 address the stream comes from (the origin line's address). */
  readonly sourceAddress: string;
  /** The session name players show (the mount's station name). */
  readonly sessionName: string;
  /** What is playing, if known (the session information line). */
  readonly title?: string | undefined;
  /** The stream's RTP SSRC, if known: the origin's session id (a new SSRC is a new session). */
  readonly ssrc?: number | undefined;
}

/** Longest text (session name, title) put in the SDP, code points; the rest is cut. */
export const MAX_SDP_TEXT = 200;

/** The text as one SDP value: CR, LF and NUL (which would end the line or the text, RFC 4566 5) removed, cut to MAX_SDP_TEXT code points. */
function sdpText(text: string): string {
  return [...text.replace(/[\r\n\0]/g, '')].slice(0, MAX_SDP_TEXT).join('');
}

/** A 32-bit session id for a stream without a known SSRC: FNV-1a of `group:port`, stable for the mount. */
function streamId(group: string, port: number): number {
  let h = 0x811c9dc5;
  for (const c of `${group}:${port}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/**
 * The SDP text, lines ended by CRLF. Text fields are sanitized (sdpText); throws RangeError on a group or source
 * that is not IPv4, a port not 1..65535, a TTL not 0..255 or an SSRC not u32.
 */
export function mountSdp(o: MountSdpOptions): string {
  if (!isIPv4(o.group)) throw new RangeError(`SDP group ${JSON.stringify(o.group)} is not IPv4`);
  if (!isIPv4(o.sourceAddress)) throw new RangeError(`SDP source ${JSON.stringify(o.sourceAddress)} is not IPv4`);
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new RangeError(`SDP port ${o.port} is not 1..65535`);
  if (!Number.isInteger(o.ttl) || o.ttl < 0 || o.ttl > 255) throw new RangeError(`SDP ttl ${o.ttl} is not 0..255`);
  if (o.ssrc !== undefined && (!Number.isInteger(o.ssrc) || o.ssrc < 0 || o.ssrc > 0xffffffff)) throw new RangeError(`SDP ssrc ${o.ssrc} is not u32`);
  const name = sdpText(o.sessionName);
  const title = o.title === undefined ? '' : sdpText(o.title);
  const lines = [
    'v=0',
    `o=- ${o.ssrc ?? streamId(o.group, o.port)} 1 IN IP4 ${o.sourceAddress}`,
    `s=${name === '' ? ' ' : name}`,
    ...(title === '' ? [] : [`i=${title}`]),
    `c=IN IP4 ${o.group}/${o.ttl}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP ${MPA_PAYLOAD_TYPE}`,
    `a=rtpmap:${MPA_PAYLOAD_TYPE} MPA/${RTP_CLOCK_HZ}`,
    'a=recvonly',
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}
