/**
 * XML built to make a parser work hard, each with the reason it must be refused for. The unit tests check the
 * reasons (which guard stops the work); `scripts/bench-parse.ts` times the same inputs.
 */

import { ANNOUNCEMENT_MAX_BYTES } from '../../src/session/announcement.ts';

/** One hostile input and the reason (in the error's message) it is refused for. */
export interface HostileXml {
  readonly what: string;
  readonly text: string;
  readonly reason: RegExp;
}

/** Announcements of up to 64 KiB (the cap) that attack the XML screen or the reader behind it. */
export function announcementAttacks(): HostileXml[] {
  const fill = (prefix: string, unit: string, suffix: string): string =>
    prefix + unit.repeat(Math.floor((ANNOUNCEMENT_MAX_BYTES - prefix.length - suffix.length) / unit.length)) + suffix;
  const head = '<SCATTERCAST name="scast://a/b">';
  const oneChannel = '<CHANNEL id="1"><TRANSPORT unicast="tcp"/></CHANNEL>';
  const manyAttributes = (): string => {
    let s = '<SCATTERCAST';
    for (let i = 0; s.length < ANNOUNCEMENT_MAX_BYTES - 64; i++) s += ` a${i}="x"`;
    return `${s}/>`;
  };
  return [
    { what: 'deep nesting', text: fill(head, '<X>', ''), reason: /elements nested deeper than 16/ },
    { what: 'deep self-closing siblings', text: fill(head, '<X/>', '</SCATTERCAST>'), reason: /more than 1024 elements/ },
    { what: 'entity bomb', text: fill(`<!DOCTYPE x [<!ENTITY a "a">`, '<!ENTITY a "&a;&a;">', `]>${head}&a;</SCATTERCAST>`), reason: /DOCTYPE declarations are not allowed/ },
    { what: 'huge attribute', text: fill('<SCATTERCAST name="scast://a/', 'b', '"/>'), reason: /session name: longer than 512 characters/ },
    { what: 'huge escaped attribute', text: fill('<SCATTERCAST name="scast://a/', '&amp;', '"/>'), reason: /session name: longer than 512 characters/ },
    { what: 'many attributes', text: manyAttributes(), reason: /SCATTERCAST: unknown attribute "a0"/ },
    { what: 'huge text', text: fill(`${head}<DESCRIPTION>`, '&#65;', '</DESCRIPTION></SCATTERCAST>'), reason: /DESCRIPTION: longer than 4096 characters/ },
    { what: 'white space then text', text: fill(`${head}<DESCRIPTION>`, ' ', 'x</DESCRIPTION></SCATTERCAST>'), reason: /needs at least one CHANNEL/ },
    { what: 'many comments', text: fill(head, '<!-- -->', '</SCATTERCAST>'), reason: /needs at least one CHANNEL/ },
    { what: 'open comment', text: fill(`${head}<!--`, '-', ''), reason: /unterminated comment/ },
    { what: 'open attribute', text: fill(`${head}<CHANNEL id="`, 'x', ''), reason: /unterminated tag <CHANNEL/ },
    { what: 'many rendezvous', text: fill(`${head}${oneChannel}<RENDEZVOUS>`, 'a:1 ', '</RENDEZVOUS></SCATTERCAST>'), reason: /RENDEZVOUS: location a:1 appears twice/ },
    { what: 'only <', text: fill('', '<', ''), reason: /bad element name/ },
    { what: 'only &', text: fill(head, '&', ''), reason: /entity reference "&" is not allowed/ },
  ];
}

/** GraphML documents that attack the parser: refused by its screen or its parser's own limit. */
export function graphMlAttacks(): HostileXml[] {
  return [
    { what: 'deep nesting', text: '<graphml>' + '<a>'.repeat(100000) + '</a>'.repeat(100000) + '</graphml>', reason: /Maximum nested tags exceeded/ },
    { what: 'too many tags', text: '<graphml>' + '<a/>'.repeat(600000) + '</graphml>', reason: /more than 500000 tags/ },
  ];
}
