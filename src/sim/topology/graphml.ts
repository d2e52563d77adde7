import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ErrorCode, ScError } from '../../core/errors.ts';
import { largestComponent, UnderlayBuilder, type Underlay } from './graph.ts';

/** Latency model for GraphML links. */
export interface GraphMlOptions {
  /** Fixed cost added to every link, ms (default 0.1). */
  readonly perHopMs?: number;
  /** Propagation speed, km per ms (default 200, light in fibre). */
  readonly kmPerMs?: number;
}

/** Largest GraphML input accepted, in bytes (20 MB). */
export const GRAPHML_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Most '<' (tags) and, separately, '=' (attributes) accepted. fast-xml-parser spends 1-4 us per tag or attribute,
 * so this bounds a hostile document to a few seconds; Topology Zoo files have a few tens of thousands at most.
 */
export const GRAPHML_MAX_MARKUP = 500_000;

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in km between two (latitude, longitude) points given in degrees. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * An Underlay from an Internet Topology Zoo GraphML document. Nodes without a valid Latitude/Longitude are
 * dropped, self loops dropped, parallel edges merged, and only the largest connected component kept; latency =
 * great-circle km / kmPerMs + perHopMs; labels = node `label` (else its id). Entities are never expanded and any
 * DOCTYPE is refused; bad input throws ScError TOPOLOGY_INVALID with a one-line message.
 */
export function parseGraphMl(xmlText: string, name: string, opts: GraphMlOptions = {}): Underlay {
  const perHopMs = opts.perHopMs ?? 0.1;
  const kmPerMs = opts.kmPerMs ?? 200;
  if (!(Number.isFinite(perHopMs) && perHopMs >= 0)) {
    throw new ScError(ErrorCode.CONFIG_INVALID, `perHopMs ${perHopMs} must be a finite number >= 0`);
  }
  if (!(Number.isFinite(kmPerMs) && kmPerMs > 0)) {
    throw new ScError(ErrorCode.CONFIG_INVALID, `kmPerMs ${kmPerMs} must be a finite number > 0`);
  }
  const root = parseXml(xmlText, name);
  const graph = first(root['graph']);
  if (!graph) invalid(name, 'no <graph> element');

  const keys = asArray(root['key']).filter((k) => k['@_for'] === undefined || k['@_for'] === 'node' || k['@_for'] === 'all');
  const keyId = (attrName: string): string | undefined =>
    keys.find((k) => k['@_attr.name'] === attrName)?.['@_id'] as string | undefined;
  const latKey = keyId('Latitude');
  const lonKey = keyId('Longitude');
  const labelKey = keyId('label');
  if (latKey === undefined || lonKey === undefined) invalid(name, 'no Latitude/Longitude node attributes declared');

  const index = new Map<string, number>(); // node id -> new index, or -1 when dropped for lack of coordinates
  const lat: number[] = [];
  const lon: number[] = [];
  const labels: string[] = [];
  for (const node of asArray(graph['node'])) {
    const id = node['@_id'];
    if (typeof id !== 'string' || id === '') invalid(name, 'a <node> has no id');
    if (index.has(id)) invalid(name, `duplicate node id "${oneLine(id)}"`);
    const data = dataValues(node);
    const la = Number(data.get(latKey) ?? NaN);
    const lo = Number(data.get(lonKey) ?? NaN);
    const hasCoords = Number.isFinite(la) && Number.isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180;
    if (!hasCoords) {
      index.set(id, -1);
      continue;
    }
    index.set(id, lat.length);
    lat.push(la);
    lon.push(lo);
    const label = labelKey === undefined ? undefined : data.get(labelKey);
    labels.push(label !== undefined && label !== '' ? decodeXmlText(label) : id);
  }
  if (lat.length === 0) invalid(name, 'no node has valid Latitude/Longitude');

  const builder = new UnderlayBuilder(name, lat.length);
  for (const edge of asArray(graph['edge'])) {
    const source = edge['@_source'];
    const target = edge['@_target'];
    if (typeof source !== 'string' || typeof target !== 'string') invalid(name, 'an <edge> lacks source or target');
    const a = index.get(source);
    const b = index.get(target);
    if (a === undefined || b === undefined) {
      invalid(name, `edge ${oneLine(source)}-${oneLine(target)} refers to an undeclared node`);
    }
    if (a < 0 || b < 0 || a === b) continue;
    const km = haversineKm(lat[a]!, lon[a]!, lat[b]!, lon[b]!);
    builder.addLink(a, b, km / kmPerMs + perHopMs);
  }
  const { underlay } = largestComponent(builder.build(labels));
  if (underlay.nodeCount < 2) invalid(name, 'no two linked nodes with coordinates');
  return underlay;
}

/** Reads and parses a GraphML file; the underlay is named after the file (base name without extension). */
export function loadGraphMlFile(path: string, opts: GraphMlOptions = {}): Underlay {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ScError(ErrorCode.TOPOLOGY_READ, `cannot read topology file ${path}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof ScError) throw err;
    throw new ScError(ErrorCode.TOPOLOGY_READ, `cannot read topology file ${path}: ${describeFsError(err)}`);
  }
  if (size > GRAPHML_MAX_BYTES) {
    throw new ScError(ErrorCode.TOPOLOGY_INVALID, `topology file ${path} is ${size} bytes, over the 20 MB limit`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScError(ErrorCode.TOPOLOGY_READ, `cannot read topology file ${path}: ${describeFsError(err)}`);
  }
  return parseGraphMl(text, basename(path, extname(path)), opts);
}

type XmlObject = Record<string, unknown>;

/** Validates, then parses with entity expansion off; returns the <graphml> element. */
function parseXml(xmlText: string, name: string): XmlObject {
  if (typeof xmlText !== 'string') invalid(name, 'GraphML input is not text');
  if (xmlText.length > GRAPHML_MAX_BYTES) invalid(name, `GraphML input is over the 20 MB limit`);
  const text = xmlText.startsWith('\uFEFF') ? xmlText.slice(1) : xmlText;
  if (/<!DOCTYPE/i.test(text)) invalid(name, 'DOCTYPE declarations are not accepted');
  if (/<!ENTITY/i.test(text)) invalid(name, 'ENTITY declarations are not accepted');
  if (countChar(text, '<') > GRAPHML_MAX_MARKUP) invalid(name, `more than ${GRAPHML_MAX_MARKUP} tags`);
  if (countChar(text, '=') > GRAPHML_MAX_MARKUP) invalid(name, `more than ${GRAPHML_MAX_MARKUP} attributes`);
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    invalid(name, `malformed XML at line ${verdict.err.line}: ${verdict.err.msg}`);
  }
  let doc: unknown;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      removeNSPrefix: true,
      ignorePiTags: true,
      isArray: (tag) => tag === 'key' || tag === 'graph' || tag === 'node' || tag === 'edge' || tag === 'data',
    }).parse(text);
  } catch (err) {
    invalid(name, `unparsable XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const root = isObject(doc) ? doc['graphml'] : undefined;
  if (root === undefined) invalid(name, 'not a GraphML document (no <graphml> root)');
  if (!isObject(root)) invalid(name, 'the <graphml> element has no child elements');
  return root;
}

/** Text of each <data key="..."> child, by key id. */
function dataValues(element: XmlObject): Map<string, string> {
  const values = new Map<string, string>();
  for (const d of asArray(element['data'])) {
    const key = d['@_key'];
    const text = d['#text'];
    if (typeof key === 'string' && !values.has(key)) values.set(key, typeof text === 'string' ? text.trim() : '');
  }
  return values;
}

/** Decodes the predefined XML entities and character references once (no expansion of anything else). */
function decodeXmlText(s: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (!ref.startsWith('#')) return named[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function countChar(s: string, c: string): number {
  let count = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) count++;
  return count;
}

function asArray(v: unknown): XmlObject[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter(isObject);
}

function first(v: unknown): XmlObject | undefined {
  return asArray(v)[0];
}

function isObject(v: unknown): v is XmlObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function oneLine(s: string, maxChars = 60): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 3)}...` : flat;
}

function describeFsError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return 'message' in err && typeof err.message === 'string' ? oneLine(err.message, 200) : err.code;
  }
  return oneLine(String(err), 200);
}

function invalid(name: string, what: string): never {
  throw new ScError(ErrorCode.TOPOLOGY_INVALID, `${oneLine(name)}: ${oneLine(what, 300)}`);
}
