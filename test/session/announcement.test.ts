import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ErrorCode, ScError } from '../../src/core/errors.ts';
import {
  ANNOUNCEMENT_MAX_BYTES,
  channel,
  MAX_CHANNELS,
  MAX_DESCRIPTION_LENGTH,
  MAX_RENDEZVOUS,
  parseAnnouncement,
  type Announcement,
  type ChannelSpec,
} from '../../src/session/announcement.ts';
import { buildAnnouncement } from '../../src/session/announcement-build.ts';
import { XML_MAX_DEPTH, XML_MAX_ELEMENTS } from '../../src/session/announcement-parse.ts';
import { announcementAttacks } from '../support/hostile-xml.ts';
import { testSeed } from '../support/seed.ts';

/** Default seed of the property runs (SC_SEED=n runs another: see testSeed). */
const SEED = 0x5ca5;

const CODES: readonly string[] = [ErrorCode.ANNOUNCEMENT_INVALID, ErrorCode.ANNOUNCEMENT_TOO_LARGE];

/** The paper's Fig. 2, filled in. */
const FIG2 = `<?xml version="1.0" encoding="UTF-8"?>
<SCATTERCAST name="scattercast://www.cnn.com/Headline_News">
  <DESCRIPTION> CNN Headline News, around the clock </DESCRIPTION>
  <CHANNEL id="0">
    <DESCRIPTION> Video </DESCRIPTION>
    <TRANSPORT unicast="TCP" multicast="rtp"/>
  </CHANNEL>
  <CHANNEL id="1">
    <TRANSPORT unicast="udp"/>
  </CHANNEL>
  <RENDEZVOUS> rp1.cnn.com:9000
    RP2.CNN.COM:9001 </RENDEZVOUS>
  <RENDEZVOUS>[2001:DB8::1]:9000</RENDEZVOUS>
</SCATTERCAST>
`;

const FIG2_PARSED: Announcement = {
  name: { creator: 'www.cnn.com', name: 'Headline_News' },
  description: 'CNN Headline News, around the clock',
  channels: [
    { id: 0, description: 'Video', unicast: 'tcp', multicast: 'rtp' },
    { id: 1, unicast: 'udp' },
  ],
  rendezvous: ['rp1.cnn.com:9000', 'rp2.cnn.com:9001', '[2001:db8::1]:9000'],
};

const FIG2_BUILT = `<SCATTERCAST name="scast://www.cnn.com/Headline_News">
  <DESCRIPTION>CNN Headline News, around the clock</DESCRIPTION>
  <CHANNEL id="0">
    <DESCRIPTION>Video</DESCRIPTION>
    <TRANSPORT unicast="tcp" multicast="rtp"/>
  </CHANNEL>
  <CHANNEL id="1">
    <TRANSPORT unicast="udp"/>
  </CHANNEL>
  <RENDEZVOUS>rp1.cnn.com:9000</RENDEZVOUS>
  <RENDEZVOUS>rp2.cnn.com:9001</RENDEZVOUS>
  <RENDEZVOUS>[2001:db8::1]:9000</RENDEZVOUS>
</SCATTERCAST>
`;

const ONE_CHANNEL = '<CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL>';
const ONE_RENDEZVOUS = '<RENDEZVOUS>rp.example.org:9000</RENDEZVOUS>';

/** A minimal valid announcement with `body` in place of its channel and rendezvous. */
function doc(body = `${ONE_CHANNEL}${ONE_RENDEZVOUS}`, rootAttributes = 'name="scast://example.org/news"'): string {
  return `<SCATTERCAST ${rootAttributes}>${body}</SCATTERCAST>`;
}

function rejects(input: string | Uint8Array, message: RegExp, code: string = ErrorCode.ANNOUNCEMENT_INVALID): void {
  assert.throws(
    () => parseAnnouncement(input),
    (err: unknown) => {
      assert.ok(err instanceof ScError, `expected an ScError, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /[\r\n]/);
      return true;
    },
  );
}

function rendezvousOf(text: string): readonly string[] {
  return parseAnnouncement(doc(`${ONE_CHANNEL}<RENDEZVOUS>${text}</RENDEZVOUS>`)).rendezvous;
}

describe('parseAnnouncement: golden documents', () => {
  it('parses the Fig. 2 document', () => {
    assert.deepEqual(parseAnnouncement(FIG2), FIG2_PARSED);
  });

  it('parses the same document given as UTF-8 bytes, with or without a BOM', () => {
    assert.deepEqual(parseAnnouncement(new TextEncoder().encode(FIG2)), FIG2_PARSED);
    assert.deepEqual(parseAnnouncement(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FIG2)])), FIG2_PARSED);
    assert.deepEqual(parseAnnouncement(`\uFEFF${FIG2}`), FIG2_PARSED);
  });

  it('builds the canonical pretty form of Fig. 2', () => {
    assert.equal(buildAnnouncement(parseAnnouncement(FIG2)), FIG2_BUILT);
    assert.deepEqual(parseAnnouncement(FIG2_BUILT), FIG2_PARSED);
  });

  it('returns frozen values', () => {
    const a = parseAnnouncement(FIG2);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.name) && Object.isFrozen(a.channels) && Object.isFrozen(a.rendezvous));
    assert.ok(a.channels.every((c) => Object.isFrozen(c)));
  });

  it('decodes the predefined entities and numeric references, and keeps comments out', () => {
    const a = parseAnnouncement(
      doc(
        `<DESCRIPTION>&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos; &#65;&#x263a;&#x1F600; <!-- note --> end</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`,
      ),
    );
    assert.equal(a.description, `<b> & "q" 'a' A\u263a\u{1F600}  end`);
  });

  it('treats an empty description as none and trims only XML white space', () => {
    assert.equal('description' in parseAnnouncement(doc(`<DESCRIPTION> \n\t</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`)), false);
    assert.equal(parseAnnouncement(doc(`<DESCRIPTION>&#160;x </DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`)).description, '\u00a0x');
  });

  it('accepts elements in any order and the boundary values of every field', () => {
    const description = 'd'.repeat(MAX_DESCRIPTION_LENGTH);
    const a = parseAnnouncement(
      doc(
        `${ONE_RENDEZVOUS}<CHANNEL id="65535"><TRANSPORT unicast="${'a'.repeat(32)}"/><DESCRIPTION>${description}</DESCRIPTION></CHANNEL>` +
          `<DESCRIPTION>s</DESCRIPTION><CHANNEL id="0"><TRANSPORT multicast="srm+x.1-y" unicast="c"/></CHANNEL>`,
      ),
    );
    assert.deepEqual(a.channels, [
      { id: 65535, description, unicast: 'a'.repeat(32) },
      { id: 0, unicast: 'c', multicast: 'srm+x.1-y' },
    ]);
    assert.equal(a.description, 's');
  });

  it('accepts the most channels and rendezvous locations', () => {
    const channels = Array.from({ length: MAX_CHANNELS }, (_, i) => `<CHANNEL id="${i}"><TRANSPORT unicast="tcp"/></CHANNEL>`);
    const locations = Array.from({ length: MAX_RENDEZVOUS }, (_, i) => `10.0.0.${i}:9000`);
    const a = parseAnnouncement(doc(`${channels.join('')}<RENDEZVOUS>${locations.join(' ')}</RENDEZVOUS>`));
    assert.equal(a.channels.length, MAX_CHANNELS);
    assert.equal(a.rendezvous.length, MAX_RENDEZVOUS);
  });

  it('accepts CRLF line ends and single-quoted attributes', () => {
    assert.deepEqual(parseAnnouncement(FIG2.replace(/\n/g, '\r\n').replace(/"/g, "'")), FIG2_PARSED);
  });
});

describe('parseAnnouncement: rendezvous locations', () => {
  it('accepts IPv4, bracketed IPv6 and DNS names, lower-cased', () => {
    assert.deepEqual(rendezvousOf('1.2.3.4:1 [::1]:65535 [::FFFF:10.0.0.1]:80 [fe80::a:B:c]:8 Host-1.Example.ORG:443 localhost:9'), [
      '1.2.3.4:1',
      '[::1]:65535',
      '[::ffff:10.0.0.1]:80',
      '[fe80::a:b:c]:8',
      'host-1.example.org:443',
      'localhost:9',
    ]);
    assert.deepEqual(rendezvousOf('[1:2:3:4:5:6:7:8]:1 [1:2:3:4:5:6:1.2.3.4]:2 [::]:3'), [
      '[1:2:3:4:5:6:7:8]:1',
      '[1:2:3:4:5:6:1.2.3.4]:2',
      '[::]:3',
    ]);
  });

  const bad: Array<[string, RegExp]> = [
    ['rp.example.org', /needs the form host:port/],
    ['[::1]', /needs the form host:port/],
    ['[::1', /needs the form host:port/],
    ['[::1]9000', /needs the form host:port/],
    ['::1:9000', /needs brackets around its IPv6 address/],
    ['[1::2::3]:9', /bad IPv6 address/],
    ['[1:2:3:4:5:6:7:8:9]:9', /bad IPv6 address/],
    ['[1:2:3:4:5:6:7]:9', /bad IPv6 address/],
    ['[12345::]:9', /bad IPv6 address/],
    ['[fe80::1%eth0]:9', /bad IPv6 address/],
    ['[::1.2.3.256]:9', /bad IPv6 address/],
    ['[]:9', /bad IPv6 address/],
    ['1.2.3.256:9', /bad host/],
    ['1.2.3:9', /bad host/],
    ['01.2.3.4:9', /bad host/],
    ['-host.org:9', /bad host/],
    ['host-.org:9', /bad host/],
    ['a..b:9', /bad host/],
    ['host.org.:9', /bad host/],
    ['ho_st:9', /bad host/],
    [':9', /bad host/],
    [`${'a'.repeat(64)}.org:9`, /bad host/],
    ['host:', /needs a port 1\.\.65535/],
    ['host:0', /needs a port 1\.\.65535/],
    ['host:65536', /needs a port 1\.\.65535/],
    ['host:080', /needs a port 1\.\.65535/],
    ['host:http', /needs a port 1\.\.65535/],
  ];
  for (const [location, message] of bad) {
    it(`refuses ${location}`, () => {
      rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS>ok.org:1 ${location}</RENDEZVOUS>`), message);
      rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS>ok.org:1 ${location}</RENDEZVOUS>`), /^RENDEZVOUS: location "/);
    });
  }

  it('refuses duplicates (after lower-casing), empty elements, too many, and no RENDEZVOUS at all', () => {
    rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS>a.org:1</RENDEZVOUS><RENDEZVOUS>A.ORG:1</RENDEZVOUS>`), /location a\.org:1 appears twice/);
    rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS> </RENDEZVOUS>`), /RENDEZVOUS: empty/);
    rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS/>`), /RENDEZVOUS: empty/);
    const locations = Array.from({ length: MAX_RENDEZVOUS + 1 }, (_, i) => `h${i}:1`).join(' ');
    rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS>${locations}</RENDEZVOUS>`), /more than 64 locations/);
    rejects(doc(ONE_CHANNEL), /SCATTERCAST: needs a RENDEZVOUS/);
  });

  it('refuses attributes and child elements on RENDEZVOUS', () => {
    rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS port="1">a:1</RENDEZVOUS>`), /RENDEZVOUS: unknown attribute "port"/);
    rejects(doc(`${ONE_CHANNEL}<RENDEZVOUS>a:1<HOST>b:2</HOST></RENDEZVOUS>`), /RENDEZVOUS: unexpected element <HOST>/);
  });
});

describe('parseAnnouncement: schema', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['wrong root', '<ANNOUNCE name="scast://a/b"/>', /root element must be <SCATTERCAST>, not <ANNOUNCE>/],
    ['lower-case root', '<scattercast name="scast://a/b"/>', /root element must be <SCATTERCAST>/],
    ['missing name', doc(undefined, 'id="1"'), /SCATTERCAST: unknown attribute "id"/],
    ['no name', '<SCATTERCAST></SCATTERCAST>', /SCATTERCAST: needs a name attribute/],
    ['bad scheme', doc(undefined, 'name="http://a/b"'), /SCATTERCAST session name: .*does not start with scast/],
    ['trailing slash', doc(undefined, 'name="scast://a/b/"'), /SCATTERCAST session name: name may not end with a slash/],
    ['entity in name', doc(undefined, 'name="scast://a/b&amp;c"'), /SCATTERCAST session name: name may not contain "&"/],
    ['extra root attribute', doc(undefined, 'name="scast://a/b" version="2"'), /SCATTERCAST: unknown attribute "version"/],
    ['namespace attribute', doc(undefined, 'name="scast://a/b" xmlns="urn:x"'), /SCATTERCAST: unknown attribute "xmlns"/],
    ['root text', doc(`hello${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /SCATTERCAST: unexpected text "hello"/],
    ['unknown element', doc(`${ONE_CHANNEL}${ONE_RENDEZVOUS}<SOURCE/>`), /SCATTERCAST: unknown element <SOURCE>/],
    ['two descriptions', doc(`<DESCRIPTION>a</DESCRIPTION><DESCRIPTION>b</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /SCATTERCAST: more than one DESCRIPTION/],
    ['description too long', doc(`<DESCRIPTION>${'d'.repeat(MAX_DESCRIPTION_LENGTH + 1)}</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /SCATTERCAST DESCRIPTION: longer than 4096 characters/],
    ['description attribute', doc(`<DESCRIPTION lang="en">a</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /SCATTERCAST DESCRIPTION: unknown attribute "lang"/],
    ['description markup', doc(`<DESCRIPTION>a <B>b</B></DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /SCATTERCAST DESCRIPTION: unexpected element <B>/],
    ['no channel', doc(ONE_RENDEZVOUS), /SCATTERCAST: needs at least one CHANNEL/],
    ['channel without id', doc(`<CHANNEL><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: needs an id attribute/],
    ['channel id not a number', doc(`${ONE_CHANNEL}<CHANNEL id="two"><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #2: id "two" is not an integer 0\.\.65535/],
    ['channel id negative', doc(`<CHANNEL id="-1"><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: id "-1" is not an integer/],
    ['channel id fraction', doc(`<CHANNEL id="1.5"><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: id "1\.5" is not an integer/],
    ['channel id too big', doc(`<CHANNEL id="65536"><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: id "65536" is not an integer/],
    ['channel id empty', doc(`<CHANNEL id=""><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: id "" is not an integer/],
    ['channel id spaced', doc(`<CHANNEL id=" 1"><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: id " 1" is not an integer/],
    ['duplicate channel id', doc(`${ONE_CHANNEL}<CHANNEL id="01"><TRANSPORT unicast="udp"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 1: duplicate channel id/],
    ['channel attribute', doc(`<CHANNEL id="3" rate="9"><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /CHANNEL #1: unknown attribute "rate"/],
    ['channel text', doc(`<CHANNEL id="3">video<TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: unexpected text "video"/],
    ['channel element', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp"/><CODEC/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: unknown element <CODEC>/],
    ['channel two descriptions', doc(`<CHANNEL id="3"><DESCRIPTION/><DESCRIPTION/><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: more than one DESCRIPTION/],
    ['channel description too long', doc(`<CHANNEL id="3"><DESCRIPTION>${'d'.repeat(MAX_DESCRIPTION_LENGTH + 1)}</DESCRIPTION><TRANSPORT unicast="tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3 DESCRIPTION: longer than 4096/],
    ['no transport', doc(`<CHANNEL id="3"><DESCRIPTION>x</DESCRIPTION></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: needs a TRANSPORT/],
    ['two transports', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp"/><TRANSPORT unicast="udp"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: more than one TRANSPORT/],
    ['no unicast', doc(`<CHANNEL id="3"><TRANSPORT multicast="srm"/></CHANNEL>${ONE_RENDEZVOUS}`), /^channel 3: TRANSPORT needs a unicast protocol name$/],
    ['empty unicast', doc(`<CHANNEL id="3"><TRANSPORT unicast=""/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: TRANSPORT needs a unicast protocol name/],
    ['bad unicast', doc(`<CHANNEL id="3"><TRANSPORT unicast="1tcp"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: TRANSPORT unicast "1tcp" is not a protocol name/],
    ['long unicast', doc(`<CHANNEL id="3"><TRANSPORT unicast="${'a'.repeat(33)}"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: TRANSPORT unicast "a+" is not a protocol name/],
    ['bad multicast', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp" multicast="s r m"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: TRANSPORT multicast "s r m" is not a protocol name/],
    ['empty multicast', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp" multicast=""/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3: TRANSPORT multicast "" is not a protocol name/],
    ['transport attribute', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp" port="9"/></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3 TRANSPORT: unknown attribute "port"/],
    ['transport text', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp">x</TRANSPORT></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3 TRANSPORT: unexpected text "x"/],
    ['transport child', doc(`<CHANNEL id="3"><TRANSPORT unicast="tcp"><X/></TRANSPORT></CHANNEL>${ONE_RENDEZVOUS}`), /channel 3 TRANSPORT: unexpected element <X>/],
  ];
  for (const [what, input, message] of cases) {
    it(`refuses ${what}`, () => rejects(input, message));
  }

  it('refuses more than 256 channels', () => {
    const channels = Array.from({ length: MAX_CHANNELS + 1 }, (_, i) => `<CHANNEL id="${i}"><TRANSPORT unicast="tcp"/></CHANNEL>`);
    rejects(doc(`${channels.join('')}${ONE_RENDEZVOUS}`), /SCATTERCAST: more than 256 channels/);
  });
});

describe('parseAnnouncement: hostile input', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a DOCTYPE', `<!DOCTYPE SCATTERCAST>${doc()}`, /DOCTYPE declarations are not allowed/],
    ['a lower-case doctype', `<!doctype x [ ]>${doc()}`, /DOCTYPE declarations are not allowed/],
    ['an entity bomb', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>${doc('&b;')}`, /DOCTYPE declarations are not allowed/],
    ['an ENTITY declaration alone', `${doc()}<!Entity x "y">`, /ENTITY declarations are not allowed/],
    ['a DOCTYPE inside a comment', doc(`<!-- <!DOCTYPE x> -->${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /DOCTYPE declarations are not allowed/],
    ['an undeclared entity', doc(`<DESCRIPTION>&nbsp;</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /entity reference "&nbsp;" is not allowed/],
    ['an external entity reference', doc(`<DESCRIPTION>&xxe;</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /entity reference "&xxe;" is not allowed/],
    ['an entity in an attribute', doc(undefined, 'name="scast://a/&x;"'), /entity reference "&x;" is not allowed/],
    ['a bare ampersand', doc(`<DESCRIPTION>a & b</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /entity reference "&" is not allowed/],
    ['an unterminated reference', doc(`<DESCRIPTION>&amp</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /entity reference "&amp" is not allowed/],
    ['a reference to NUL', doc(`<DESCRIPTION>&#0;</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /character reference &#0; names a character XML forbids/],
    ['a reference to a control character', doc(`<DESCRIPTION>&#x1b;</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /character reference &#x1b; names a character XML forbids/],
    ['a reference to a surrogate', doc(`<DESCRIPTION>&#xD800;</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /names a character XML forbids/],
    ['a reference past Unicode', doc(`<DESCRIPTION>&#x110000;</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /names a character XML forbids/],
    ['a processing instruction', `<?xml version="1.0"?><?xml-stylesheet href="x"?>${doc()}`, /processing instructions are not allowed/],
    ['a processing instruction inside', doc(`<?php evil() ?>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /processing instructions are not allowed/],
    ['an XML declaration not first', ` <?xml version="1.0"?>${doc()}`, /processing instructions are not allowed/],
    ['a non-UTF-8 encoding', `<?xml version="1.0" encoding="ISO-8859-1"?>${doc()}`, /bad XML declaration/],
    ['a CDATA section', doc(`<DESCRIPTION><![CDATA[x]]></DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /CDATA sections are not allowed/],
    ['a markup declaration', doc(`<!ELEMENT x ANY>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /markup declarations are not allowed/],
    ['an unterminated comment', doc(`<!-- ${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /unterminated comment/],
    ['a control character', doc(`<DESCRIPTION>\u0007</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /character "\\u0007" is not allowed in XML/],
    ['a lone surrogate', doc(`<DESCRIPTION>\ud800</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /character "\\ud800" is not allowed in XML/],
    ['U+FFFE', doc(`<DESCRIPTION>\ufffe</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /character "\\ufffe" is not allowed in XML/],
    ['< in an attribute value', doc(undefined, 'name="scast://a/<b"'), /'<' in an attribute value/],
    ['text before the root', `hello ${doc()}`, /text outside the root element/],
    ['text after the root', `${doc()} bye`, /text outside the root element/],
    ['two roots', `${doc()}${doc()}`, /more than one root element/],
    ['a stray end tag', `${doc()}</SCATTERCAST>`, /end tag without a start tag/],
    ['no root', ' <!-- nothing --> ', /no root element/],
    ['an empty document', '', /no root element/],
    ['a bad element name', doc(`<1CHANNEL/>${ONE_RENDEZVOUS}`), /bad element name "1CHANNEL\/>/],
    ['a namespaced element', doc(`<x:CHANNEL/>${ONE_RENDEZVOUS}`), /bad element name "x:CHANNEL/],
    ['an unterminated tag', `<SCATTERCAST name="scast://a/b"`, /unterminated tag <SCATTERCAST/],
    ['an unclosed element', `<SCATTERCAST name="scast://a/b">${ONE_CHANNEL}`, /not well-formed XML/],
    ['mismatched tags', `<SCATTERCAST name="scast://a/b"></SCATTER>`, /not well-formed XML: .*line 1/],
    ['a repeated attribute', doc(undefined, 'name="scast://a/b" name="scast://a/c"'), /not well-formed XML: Attribute 'name' is repeated/],
    ['an attribute without a value', doc(undefined, 'name="scast://a/b" live'), /not well-formed XML/],
    ['a __proto__ element', doc(`<__proto__/>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /__proto__/],
    ['a constructor element', doc(`<constructor/>${ONE_CHANNEL}${ONE_RENDEZVOUS}`), /constructor/],
    ['a __proto__ attribute', doc(undefined, 'name="scast://a/b" __proto__="x"'), /__proto__/],
  ];
  for (const [what, input, message] of cases) {
    it(`refuses ${what}`, () => rejects(input, message));
  }

  it('refuses nesting deeper than the cap and more elements than the cap', () => {
    rejects(doc(`${'<X>'.repeat(XML_MAX_DEPTH)}${'</X>'.repeat(XML_MAX_DEPTH)}`), /elements nested deeper than 16/);
    rejects(doc('<X/>'.repeat(XML_MAX_ELEMENTS)), /more than 1024 elements/);
  });

  it('refuses invalid UTF-8 bytes', () => {
    const bytes = Buffer.from(doc(`<DESCRIPTION>xx</DESCRIPTION>${ONE_CHANNEL}${ONE_RENDEZVOUS}`));
    const at = bytes.indexOf('xx');
    for (const bad of [[0xff, 0xfe], [0xc3, 0x28], [0xed, 0xa0], [0xc0, 0xaf]]) {
      const copy = Buffer.from(bytes);
      copy.set(bad, at);
      rejects(copy, /not valid UTF-8/);
    }
  });

  it('caps the size in bytes of UTF-8, for strings and bytes, and honours maxBytes', () => {
    const big = doc(`<DESCRIPTION>${'x'.repeat(ANNOUNCEMENT_MAX_BYTES)}</DESCRIPTION>`);
    rejects(big, /more than the 65536 allowed/, ErrorCode.ANNOUNCEMENT_TOO_LARGE);
    rejects(Buffer.from(big), /more than the 65536 allowed/, ErrorCode.ANNOUNCEMENT_TOO_LARGE);
    const wide = doc(`<DESCRIPTION>${'\u263a'.repeat(30_000)}</DESCRIPTION>`);
    assert.ok(wide.length < ANNOUNCEMENT_MAX_BYTES);
    rejects(wide, /announcement is \d+ bytes/, ErrorCode.ANNOUNCEMENT_TOO_LARGE);
    const small = doc();
    assert.throws(() => parseAnnouncement(small, { maxBytes: small.length - 1 }), { code: ErrorCode.ANNOUNCEMENT_TOO_LARGE });
    assert.equal(parseAnnouncement(small, { maxBytes: small.length }).channels.length, 1);
  });

  // The guard that refuses each attack, not a wall-clock bound, shows where the work stops; every input is within
  // the 64 KiB cap, which is checked before any parsing (the times are in scripts/bench-parse.ts).
  it('refuses 64 KiB attacks, each at the guard meant for it', () => {
    for (const { what, text, reason } of announcementAttacks()) {
      assert.ok(Buffer.byteLength(text) <= ANNOUNCEMENT_MAX_BYTES, what);
      assert.throws(() => parseAnnouncement(text), (err: unknown) => err instanceof ScError && CODES.includes(err.code) && reason.test(err.message), what);
    }
    rejects('<'.repeat(10_000_000), /more than the 65536 allowed/, ErrorCode.ANNOUNCEMENT_TOO_LARGE);
  });
});

describe('buildAnnouncement', () => {
  const sample: Announcement = {
    name: { creator: 'radio.example.org', name: 'jazz/Late_Night' },
    description: 'Tom & Jerry\'s <live> "show"\n\ttwo lines\r\nand a CR',
    channels: [
      { id: 7, description: '  inner spaces  kept ', unicast: 'tcp' },
      { id: 65535, unicast: 'udp', multicast: 'srm' },
    ],
    rendezvous: ['rp.example.org:9000', '[::1]:9001', '192.0.2.1:1'],
  };

  it('escapes what XML needs escaped and round-trips it', () => {
    const text = buildAnnouncement(sample);
    assert.match(text, /Tom &amp; Jerry's &lt;live&gt; "show"\n\ttwo lines&#13;\nand a CR/);
    assert.deepEqual(parseAnnouncement(text), {
      ...sample,
      channels: [{ id: 7, description: 'inner spaces  kept', unicast: 'tcp' }, sample.channels[1]],
    });
  });

  it('writes the canonical name and normalised fields', () => {
    const text = buildAnnouncement({
      name: { creator: 'Radio.Example.ORG', name: 'x' },
      channels: [{ id: 1, unicast: 'TCP', multicast: 'SRM' }],
      rendezvous: ['RP.example.org:9000'],
    });
    assert.equal(
      text,
      [
        '<SCATTERCAST name="scast://radio.example.org/x">',
        '  <CHANNEL id="1">',
        '    <TRANSPORT unicast="tcp" multicast="srm"/>',
        '  </CHANNEL>',
        '  <RENDEZVOUS>rp.example.org:9000</RENDEZVOUS>',
        '</SCATTERCAST>',
        '',
      ].join('\n'),
    );
  });

  it('refuses what parseAnnouncement would refuse', () => {
    const base = { name: { creator: 'a', name: 'b' }, channels: [{ id: 1, unicast: 'tcp' }], rendezvous: ['a:1'] };
    const bad: Array<[Announcement, RegExp, string?]> = [
      [{ ...base, name: { creator: 'a/b', name: 'c' } }, /^SCATTERCAST session name: creator may not contain "\/"/],
      [{ ...base, name: { creator: 'a', name: 'b c' } }, /^SCATTERCAST session name: name may not contain whitespace/],
      [{ ...base, channels: [] }, /needs at least one CHANNEL/],
      [{ ...base, channels: [{ id: 1.5, unicast: 'tcp' }] }, /CHANNEL #1: id "1\.5" is not an integer/],
      [{ ...base, channels: [{ id: 1, unicast: 'tcp' }, { id: 1, unicast: 'udp' }] }, /channel 1: duplicate channel id/],
      [{ ...base, channels: [{ id: 1, unicast: 'a b' }] }, /channel 1: TRANSPORT unicast "a b"/],
      [{ ...base, channels: [{ id: 1, unicast: '' }] }, /channel 1: TRANSPORT needs a unicast protocol name/],
      [{ ...base, rendezvous: [] }, /needs a RENDEZVOUS/],
      [{ ...base, rendezvous: ['a:1 b:2'] }, /location "a:1 b:2" contains white space/],
      [{ ...base, rendezvous: ['a:0'] }, /location "a:0" needs a port/],
      [{ ...base, description: 'bell \u0007' }, /character "\\u0007" is not allowed/],
      [{ ...base, description: 'x'.repeat(ANNOUNCEMENT_MAX_BYTES) }, /more than the 65536 allowed/, ErrorCode.ANNOUNCEMENT_TOO_LARGE],
    ];
    for (const [a, message, code = ErrorCode.ANNOUNCEMENT_INVALID] of bad) {
      assert.throws(() => buildAnnouncement(a), (err: unknown) => err instanceof ScError && err.code === code && message.test(err.message));
    }
  });
});

describe('channel', () => {
  it('finds a channel by id', () => {
    const a = parseAnnouncement(FIG2);
    assert.deepEqual(channel(a, 1), { id: 1, unicast: 'udp' });
    assert.equal(channel(a, 0)?.multicast, 'rtp');
    assert.equal(channel(a, 2), undefined);
  });
});

/** fc.record, minus its null-prototype objects (deepStrictEqual compares prototypes). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

/** Drops undefined optional fields, as parseAnnouncement leaves them out. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const XML_SPACE = /^[ \t\n\r]|[ \t\n\r]$/;
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;
const XML_SPECIAL = fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', '\u263a', '\u{1F600}');
const descriptionArb = fc.option(
  fc
    .string({ unit: fc.oneof(XML_SPECIAL, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 40 })
    .filter((s) => !XML_SPACE.test(s) && !NOT_XML.test(s)),
  { nil: undefined },
);
const protocolArb = fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/);
const channelsArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 6 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        record<ChannelSpec>({ id: fc.constant(id), description: descriptionArb, unicast: protocolArb, multicast: fc.option(protocolArb, { nil: undefined }) }).map(compact),
      ),
    ),
  );
const hostArb = fc.oneof(
  fc.ipV4(),
  fc.ipV6().map((h) => `[${h}]`),
  fc.domain().filter((d) => !/^[0-9.]+$/.test(d)),
);
const locationArb = fc.tuple(hostArb, fc.integer({ min: 1, max: 65535 })).map(([host, port]) => `${host}:${port}`.toLowerCase());
const nameArb = record({
  creator: fc.stringMatching(/^[a-z0-9._:-]{1,24}$/),
  name: fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}(?:%2F|%20)?$/), { minLength: 1, maxLength: 3 }).map((s) => s.join('/')),
});
const announcementArb: fc.Arbitrary<Announcement> = record<Announcement>({
  name: nameArb,
  description: descriptionArb,
  channels: channelsArb,
  rendezvous: fc.uniqueArray(locationArb, { minLength: 1, maxLength: 5 }),
}).map(compact);

/** Changes to a valid document, each a step toward some hostile or malformed input. */
const mutationArb = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(
        '<', '>', '/', '&', '"', "'", '=', ' ', '&amp;', '&#0;', '&#x263a;', '&nbsp;', '<!DOCTYPE x>', '<!ENTITY a "b">',
        '<?pi x?>', '<![CDATA[x]]>', '<!--', '-->', '<X>', '</X>', '<X/>', '<CHANNEL id="9">', '</CHANNEL>',
        '<TRANSPORT unicast="tcp"/>', '<DESCRIPTION>', '</DESCRIPTION>', '<RENDEZVOUS>', '</RENDEZVOUS>', '\u0000',
        '\ud800', '\ufeff', 'scast://', '::', ':0', '[', ']', '__proto__', 'constructor', ' id="2"', ' x="y"',
      ),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }) }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  if (m.kind === 'insert') return text.slice(0, at) + m.text + text.slice(at);
  if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + m.length);
  return text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
}

/** Parses, and either checks the result is a valid announcement or that the failure is one of ours. */
function parsesOrRefuses(input: string | Uint8Array): void {
  let a: Announcement;
  try {
    a = parseAnnouncement(input);
  } catch (err) {
    assert.ok(err instanceof ScError, `not an ScError: ${String(err)}`);
    assert.ok(CODES.includes(err.code), err.code);
    assert.doesNotMatch(err.message, /[\r\n]/);
    return;
  }
  assert.deepEqual(parseAnnouncement(buildAnnouncement(a)), a);
}

describe('announcement properties', () => {
  it('round-trips every valid announcement: parse(build(a)) deep-equals a', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(announcementArb, (a) => {
        assert.deepEqual(parseAnnouncement(buildAnnouncement(a)), a);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('parses mutated documents to a valid announcement or refuses them with an ScError', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(
        fc.oneof(announcementArb.map(buildAnnouncement), fc.constant(FIG2)),
        fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
        (text, mutations) => parsesOrRefuses(mutations.reduce(mutate, text)),
      ),
      { seed, numRuns: 1000 },
    );
  });

  it('parses byte-mutated documents to a valid announcement or refuses them with an ScError', (t) => {
    const seed = testSeed(t, SEED);
    fc.assert(
      fc.property(
        fc.oneof(announcementArb.map(buildAnnouncement), fc.constant(FIG2)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (text, flips) => {
          const bytes = Buffer.from(text);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          parsesOrRefuses(bytes);
        },
      ),
      { seed, numRuns: 500 },
    );
  });
});
