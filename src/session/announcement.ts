/**
 * Session announcements (paper 3.3, Fig. 2): the XML document that describes a session to SCXs and clients,
 * its name, its channels with their unicast and multicast transport protocols, and where its rendezvous points
 * are. Parsing is strict: every field is checked and anything unknown is refused, each failure an ScError whose
 * one-line message names the field.
 */
import { ErrorCode, ScError } from '../core/errors.ts';
import { readXml, xmlTrim, type XmlElement } from './announcement-parse.ts';
import { checkCreator } from './announcement-signature.ts';
import type { Announcement, ChannelSpec, CreatorSignature } from './announcement-types.ts';
import { parseSessionName, quoted, type SessionName } from './name.ts';

export type { Announcement, ChannelSpec, CreatorSignature } from './announcement-types.ts';

/** Largest announcement accepted by default, in bytes of UTF-8. */
export const ANNOUNCEMENT_MAX_BYTES = 64 * 1024;

/** Most channels in one announcement. */
export const MAX_CHANNELS = 256;

/** Most rendezvous locations in one announcement. */
export const MAX_RENDEZVOUS = 64;

/** Longest description, in characters. */
export const MAX_DESCRIPTION_LENGTH = 4096;

const PROTOCOL = /^[a-z][a-z0-9+.-]{0,31}$/i;
const CHANNEL_ID = /^[0-9]{1,5}$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

function invalid(why: string): ScError {
  return new ScError(ErrorCode.ANNOUNCEMENT_INVALID, why);
}

function onlyAttributes(el: XmlElement, label: string, allowed: readonly string[]): void {
  for (const key of el.attributes.keys()) {
    if (!allowed.includes(key)) throw invalid(`${label}: unknown attribute ${quoted(key)}`);
  }
}

function noText(el: XmlElement, label: string): void {
  const text = xmlTrim(el.text);
  if (text !== '') throw invalid(`${label}: unexpected text ${quoted(text)}`);
}

function noChildren(el: XmlElement, label: string): void {
  const child = el.children[0];
  if (child !== undefined) throw invalid(`${label}: unexpected element <${child.name}>`);
}

/** A `<DESCRIPTION>`: trimmed text, or undefined when empty. */
function readDescription(el: XmlElement, label: string): string | undefined {
  onlyAttributes(el, label, []);
  noChildren(el, label);
  const text = xmlTrim(el.text);
  if ([...text].length > MAX_DESCRIPTION_LENGTH) throw invalid(`${label}: longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  return text === '' ? undefined : text;
}

function isIPv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => IPV4_PART.test(p) && Number(p) <= 255);
}

function isIPv6(host: string): boolean {
  const lastColon = host.lastIndexOf(':');
  if (host.length > 45 || lastColon < 0) return false;
  const tail = host.slice(lastColon + 1);
  if (tail.includes('.') && !isIPv4(tail)) return false;
  const hex = tail.includes('.') ? `${host.slice(0, lastColon + 1)}0:0` : host;
  const halves = hex.split('::');
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  if (halves.length > 2) return false;
  const all = halves.flatMap(groups);
  return (halves.length === 2 ? all.length <= 7 : all.length === 8) && all.every((g) => HEX_GROUP.test(g));
}

function isDnsName(host: string): boolean {
  return host.length <= 253 && host.split('.').every((label) => DNS_LABEL.test(label));
}

/** A rendezvous location `host:port` in canonical form, or the reason it is not one. */
export function readLocation(token: string): string {
  const bracketed = token.startsWith('[');
  const close = bracketed ? token.indexOf(']') : token.lastIndexOf(':');
  const host = bracketed ? token.slice(1, close) : token.slice(0, close);
  const port = token.slice(close + (bracketed ? 2 : 1));
  const fail = (why: string): ScError => invalid(`RENDEZVOUS: location ${quoted(token)} ${why}`);
  if (/[ \t\n\r]/.test(token)) throw fail('contains white space');
  if (close < 0 || (bracketed && token.charAt(close + 1) !== ':')) throw fail('needs the form host:port');
  if (bracketed) {
    if (!isIPv6(host)) throw fail('has a bad IPv6 address');
  } else if (host.includes(':')) {
    throw fail('needs brackets around its IPv6 address ([addr]:port)');
  } else if (/^[0-9.]+$/.test(host) ? !isIPv4(host) : !isDnsName(host)) {
    throw fail('has a bad host (expected an IPv4 address, [IPv6] or a DNS name)');
  }
  if (!PORT.test(port) || Number(port) > 65535) throw fail('needs a port 1..65535');
  return `${bracketed ? `[${host}]` : host}:${port}`.toLowerCase();
}

/** The locations of one `<RENDEZVOUS>`, added to `into`. */
function readRendezvous(el: XmlElement, into: string[]): void {
  onlyAttributes(el, 'RENDEZVOUS', []);
  noChildren(el, 'RENDEZVOUS');
  const tokens = el.text.split(/[ \t\n\r]+/).filter((t) => t !== '');
  if (tokens.length === 0) throw invalid('RENDEZVOUS: empty (expected one or more host:port locations)');
  for (const token of tokens) {
    const location = readLocation(token);
    if (into.includes(location)) throw invalid(`RENDEZVOUS: location ${location} appears twice`);
    if (into.push(location) > MAX_RENDEZVOUS) throw invalid(`RENDEZVOUS: more than ${MAX_RENDEZVOUS} locations`);
  }
}

/** A protocol name from a TRANSPORT attribute, lower-cased. */
function readProtocol(value: string, label: string, which: string): string {
  if (!PROTOCOL.test(value)) throw invalid(`${label}: TRANSPORT ${which} ${quoted(value)} is not a protocol name`);
  return value.toLowerCase();
}

/** A `<CHANNEL>`, its id checked against those already seen. */
function readChannel(el: XmlElement, index: number, ids: Set<number>): ChannelSpec {
  const position = `CHANNEL #${index + 1}`;
  onlyAttributes(el, position, ['id']);
  const idText = el.attributes.get('id');
  if (idText === undefined) throw invalid(`${position}: needs an id attribute`);
  const id = Number(idText);
  if (!CHANNEL_ID.test(idText) || id > 65535) throw invalid(`${position}: id ${quoted(idText)} is not an integer 0..65535`);
  const label = `channel ${id}`;
  if (ids.has(id)) throw invalid(`${label}: duplicate channel id`);
  ids.add(id);
  noText(el, label);
  let description: string | undefined;
  let transport: XmlElement | undefined;
  let described = false;
  for (const child of el.children) {
    if (child.name === 'DESCRIPTION') {
      if (described) throw invalid(`${label}: more than one DESCRIPTION`);
      described = true;
      description = readDescription(child, `${label} DESCRIPTION`);
    } else if (child.name === 'TRANSPORT') {
      if (transport !== undefined) throw invalid(`${label}: more than one TRANSPORT`);
      transport = child;
    } else {
      throw invalid(`${label}: unknown element <${child.name}>`);
    }
  }
  if (transport === undefined) throw invalid(`${label}: needs a TRANSPORT`);
  onlyAttributes(transport, `${label} TRANSPORT`, ['unicast', 'multicast']);
  noChildren(transport, `${label} TRANSPORT`);
  noText(transport, `${label} TRANSPORT`);
  const unicast = transport.attributes.get('unicast');
  if (unicast === undefined || unicast === '') throw invalid(`${label}: TRANSPORT needs a unicast protocol name`);
  const multicast = transport.attributes.get('multicast');
  return Object.freeze({
    id,
    ...(description !== undefined && { description }),
    unicast: readProtocol(unicast, label, 'unicast'),
    ...(multicast !== undefined && { multicast: readProtocol(multicast, label, 'multicast') }),
  });
}

/** Bytes of base64url text of exactly `bytes` bytes, unpadded and canonical, or the reason it is not. */
function readBase64url(text: string | undefined, bytes: number, what: string): Uint8Array {
  const decoded = Buffer.from(text ?? '', 'base64url');
  if (text === undefined || !/^[A-Za-z0-9_-]*$/.test(text) || decoded.length !== bytes || decoded.toString('base64url') !== text) {
    throw invalid(`CREATOR: ${what} must be ${bytes} bytes in unpadded base64url (${Math.ceil((bytes * 4) / 3)} characters)`);
  }
  return new Uint8Array(decoded);
}

/** A `<CREATOR key="..." signature="..."/>`, its fields well-formed (announcement-signature.ts verifies them). */
function readCreator(el: XmlElement): CreatorSignature {
  onlyAttributes(el, 'CREATOR', ['key', 'signature']);
  noChildren(el, 'CREATOR');
  noText(el, 'CREATOR');
  return Object.freeze({
    publicKey: readBase64url(el.attributes.get('key'), 32, 'key'),
    signature: readBase64url(el.attributes.get('signature'), 64, 'signature'),
  });
}

/** The session name from the root's `name` attribute. */
function readName(root: XmlElement): SessionName {
  const text = root.attributes.get('name');
  if (text === undefined) throw invalid('SCATTERCAST: needs a name attribute');
  try {
    return parseSessionName(text);
  } catch (err) {
    if (err instanceof ScError) throw invalid(`SCATTERCAST ${err.message}`);
    throw err;
  }
}

/**
 * Parses and checks an announcement, a signed one's signature included; throws ScError(ERR_ANNOUNCEMENT_INVALID,
 * ERR_ANNOUNCEMENT_TOO_LARGE, or ERR_ANNOUNCEMENT_SIGNATURE).
 */
export function parseAnnouncement(input: string | Uint8Array, options: { maxBytes?: number } = {}): Announcement {
  const announcement = readAnnouncement(input, options.maxBytes ?? ANNOUNCEMENT_MAX_BYTES);
  checkCreator(announcement);
  return announcement;
}

/** Parses an announcement to be signed: as parseAnnouncement, but any CREATOR is dropped unchecked. */
export function parseToSign(input: string | Uint8Array): Announcement {
  const { creator: _, ...unsigned } = readAnnouncement(input, ANNOUNCEMENT_MAX_BYTES);
  return Object.freeze(unsigned);
}

/** An announcement, every field checked but its CREATOR. */
function readAnnouncement(input: string | Uint8Array, maxBytes: number): Announcement {
  const root = readXml(input, maxBytes);
  if (root.name !== 'SCATTERCAST') throw invalid(`root element must be <SCATTERCAST>, not <${root.name}>`);
  onlyAttributes(root, 'SCATTERCAST', ['name']);
  noText(root, 'SCATTERCAST');
  const name = readName(root);
  let description: string | undefined;
  let described = false;
  const channels: ChannelSpec[] = [];
  const ids = new Set<number>();
  const rendezvous: string[] = [];
  let creator: CreatorSignature | undefined;
  for (const child of root.children) {
    if (child.name === 'DESCRIPTION') {
      if (described) throw invalid('SCATTERCAST: more than one DESCRIPTION');
      described = true;
      description = readDescription(child, 'SCATTERCAST DESCRIPTION');
    } else if (child.name === 'CHANNEL') {
      if (channels.length === MAX_CHANNELS) throw invalid(`SCATTERCAST: more than ${MAX_CHANNELS} channels`);
      channels.push(readChannel(child, channels.length, ids));
    } else if (child.name === 'RENDEZVOUS') {
      readRendezvous(child, rendezvous);
    } else if (child.name === 'CREATOR') {
      if (creator !== undefined) throw invalid('SCATTERCAST: more than one CREATOR');
      creator = readCreator(child);
    } else {
      throw invalid(`SCATTERCAST: unknown element <${child.name}>`);
    }
  }
  if (channels.length === 0) throw invalid('SCATTERCAST: needs at least one CHANNEL');
  if (rendezvous.length === 0) throw invalid('SCATTERCAST: needs a RENDEZVOUS with at least one host:port location');
  return Object.freeze({
    name,
    ...(description !== undefined && { description }),
    channels: Object.freeze(channels),
    rendezvous: Object.freeze(rendezvous),
    ...(creator !== undefined && { creator }),
  });
}

/** The announcement's channel with this id, if any. */
export function channel(a: Announcement, id: number): ChannelSpec | undefined {
  return a.channels.find((c) => c.id === id);
}
