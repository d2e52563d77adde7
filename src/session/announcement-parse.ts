/**
 * The XML layer of announcement parsing. A screen refuses hostile documents before fast-xml-parser sees them:
 * oversize input, invalid UTF-8, characters XML forbids, DOCTYPE and ENTITY declarations, entity references
 * other than the five predefined ones and numeric references, processing instructions (bar a leading XML
 * declaration), CDATA sections, `<` in attribute values, text or elements beside the root, and too deep or too
 * many elements. What passes comes back as a plain element tree with references decoded.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { ErrorCode, ScError } from '../core/errors.ts';
import { quoted } from './name.ts';

/** One element of a screened document, its attribute values and text with references decoded. */
export interface XmlElement {
  /** The element's tag name. */
  readonly name: string;
  /** Attribute values by name. */
  readonly attributes: ReadonlyMap<string, string>;
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /** The element's own text (its text nodes joined), untrimmed. */
  readonly text: string;
}

/** Deepest element nesting accepted. */
export const XML_MAX_DEPTH = 16;

/** Most elements accepted in one document. */
export const XML_MAX_ELEMENTS = 1024;

/** Characters XML 1.0 forbids: C0 controls other than tab, LF and CR, U+FFFE, U+FFFF and lone surrogates. */
const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;
const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;
const XML_DECL =
  /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1(?:\s+encoding\s*=\s*(["'])utf-8\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>$/i;
const TAG_NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/y;
const REFERENCE_SHAPE = /&[#A-Za-z0-9_.:-]{0,24};?/y;
const ANY_REFERENCE = /&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function invalid(why: string): ScError {
  return new ScError(ErrorCode.ANNOUNCEMENT_INVALID, why.replace(/[\r\n]+/g, ' '));
}

function at(text: string, index: number): string {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return ` (line ${line})`;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function isXmlSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Text with XML white space (space, tab, CR, LF) trimmed from both ends, in linear time. */
export function xmlTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charAt(start))) start++;
  while (end > start && isXmlSpace(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Checks the reference that starts at `index`: predefined entity or numeric reference to an XML character. */
function checkReference(text: string, index: number): void {
  REFERENCE.lastIndex = index;
  const ref = REFERENCE.exec(text);
  if (ref === null) {
    REFERENCE_SHAPE.lastIndex = index;
    const shape = REFERENCE_SHAPE.exec(text)?.[0] ?? '&';
    throw invalid(`entity reference ${quoted(shape)} is not allowed (only &lt; &gt; &amp; &quot; &apos; &#n;)${at(text, index)}`);
  }
  const decimal = ref[2];
  const hex = ref[3];
  const cp = decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : 0x20;
  if (!isXmlChar(cp)) throw invalid(`character reference ${ref[0]} names a character XML forbids${at(text, index)}`);
}

/** Checks the character data in `[from, to)`; beside the root only white space may appear. */
function checkText(text: string, from: number, to: number, besideRoot: boolean): void {
  for (let i = from; i < to; i++) {
    const c = text.charAt(i);
    if (c === '&') checkReference(text, i);
    if (besideRoot && !isXmlSpace(c)) throw invalid(`text outside the root element${at(text, i)}`);
  }
}

/** The index of the `>` that ends the tag opened at `lt`, checking its name and its attribute values. */
function tagEnd(text: string, lt: number): number {
  const nameAt = text.charAt(lt + 1) === '/' ? lt + 2 : lt + 1;
  TAG_NAME.lastIndex = nameAt;
  const name = TAG_NAME.exec(text);
  const after = text.charAt(nameAt + (name?.[0].length ?? 0));
  if (name === null || !(isXmlSpace(after) || after === '/' || after === '>')) {
    throw invalid(`bad element name ${quoted(text.slice(nameAt, nameAt + 20), 20)}${at(text, lt)}`);
  }
  let quote = '';
  for (let i = nameAt + name[0].length; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '&') checkReference(text, i);
      else if (c === '<') throw invalid(`'<' in an attribute value${at(text, i)}`);
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    } else if (c === '<') {
      throw invalid(`unterminated tag <${name[0]}${at(text, lt)}`);
    }
  }
  throw invalid(`unterminated tag <${name[0]}${at(text, lt)}`);
}

/** Where the document proper starts: after a leading `<?xml ...?>` declaration, which must declare UTF-8. */
function afterDeclaration(text: string): number {
  if (!/^<\?xml[\s?]/.test(text)) return 0;
  const end = text.indexOf('?>');
  if (end < 0 || end > 200 || !XML_DECL.test(text.slice(0, end + 2))) {
    throw invalid('bad XML declaration (expected <?xml version="1.0" encoding="UTF-8"?>)');
  }
  return end + 2;
}

/** Refuses what the parser must never see, in one linear pass with bounded depth and element count. */
function screen(text: string): void {
  const forbidden = FORBIDDEN_CHAR.exec(text);
  if (forbidden !== null) {
    throw invalid(`character ${quoted(forbidden[0])} is not allowed in XML${at(text, forbidden.index)}`);
  }
  const declaration = DECLARATION.exec(text);
  if (declaration !== null) {
    throw invalid(`${declaration[1]?.toUpperCase()} declarations are not allowed${at(text, declaration.index)}`);
  }
  let depth = 0;
  let elements = 0;
  let rootDone = false;
  let i = afterDeclaration(text);
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    checkText(text, i, lt < 0 ? text.length : lt, depth === 0);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) throw invalid(`unterminated comment${at(text, lt)}`);
      i = close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) throw invalid(`CDATA sections are not allowed${at(text, lt)}`);
    if (text.charAt(lt + 1) === '!') throw invalid(`markup declarations are not allowed${at(text, lt)}`);
    if (text.charAt(lt + 1) === '?') throw invalid(`processing instructions are not allowed${at(text, lt)}`);
    const gt = tagEnd(text, lt);
    if (text.charAt(lt + 1) === '/') {
      if (depth === 0) throw invalid(`end tag without a start tag${at(text, lt)}`);
      depth--;
      rootDone = depth === 0;
    } else {
      if (rootDone) throw invalid(`more than one root element${at(text, lt)}`);
      if (++elements > XML_MAX_ELEMENTS) throw invalid(`more than ${XML_MAX_ELEMENTS} elements${at(text, lt)}`);
      if (text.charAt(gt - 1) !== '/') {
        if (++depth > XML_MAX_DEPTH) throw invalid(`elements nested deeper than ${XML_MAX_DEPTH}${at(text, lt)}`);
      } else if (depth === 0) {
        rootDone = true;
      }
    }
    i = gt + 1;
  }
  if (elements === 0) throw invalid('no root element');
}

/** Text with the references that `screen` let through decoded. */
function decode(text: string): string {
  return text.replace(ANY_REFERENCE, (_, ref: string) => {
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    return String.fromCodePoint(ref.startsWith('#x') ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
  });
}

type OrderedNode = Record<string, unknown>;

/** An element from fast-xml-parser's preserveOrder output: `{ TAG: [children], ':@': { attr: value } }`. */
function toElement(node: OrderedNode): XmlElement {
  const name = Object.keys(node).find((key) => key !== ':@') ?? '';
  const raw = (node[':@'] ?? {}) as Record<string, unknown>;
  const attributes = new Map(Object.entries(raw).map(([key, value]) => [key, decode(String(value))]));
  const children: XmlElement[] = [];
  let text = '';
  for (const child of node[name] as OrderedNode[]) {
    if ('#text' in child) text += decode(String(child['#text']));
    else children.push(toElement(child));
  }
  return { name, attributes, children, text };
}

/** Decodes the input as UTF-8 (refusing bad bytes) and enforces the byte cap. */
function decodeInput(input: string | Uint8Array, maxBytes: number): string {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > maxBytes) {
    throw new ScError(ErrorCode.ANNOUNCEMENT_TOO_LARGE, `announcement is ${bytes} bytes, more than the ${maxBytes} allowed`);
  }
  if (typeof input === 'string') return input.startsWith('\uFEFF') ? input.slice(1) : input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw invalid('announcement is not valid UTF-8');
  }
}

/** Screens and parses an XML document into its root element; throws ScError(ERR_ANNOUNCEMENT_INVALID or _TOO_LARGE). */
export function readXml(input: string | Uint8Array, maxBytes: number): XmlElement {
  const text = decodeInput(input, maxBytes).replace(/\r\n?/g, '\n');
  screen(text);
  let nodes: OrderedNode[];
  try {
    const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (verdict !== true) {
      throw invalid(`not well-formed XML: ${verdict.err.msg} (line ${verdict.err.line}, column ${verdict.err.col})`);
    }
    nodes = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
    }).parse(text) as OrderedNode[];
  } catch (err) {
    if (err instanceof ScError) throw err;
    throw invalid(`XML rejected: ${err instanceof Error ? err.message : String(err)}`);
  }
  const root = nodes.find((node) => !('#text' in node));
  if (root === undefined) throw invalid('no root element');
  return toElement(root);
}
