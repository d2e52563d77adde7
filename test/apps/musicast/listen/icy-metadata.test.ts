import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WireCode } from '../../../../src/core/decoded.ts';
import {
  decodeMetadataBlock,
  encodeMetadataBlock,
  icyTitle,
  MAX_TITLE_BYTES,
  NO_CHANGE_BLOCK,
  type IcyMetadata,
} from '../../../../src/apps/musicast/listen/icy-metadata.ts';
import { decodedValue, describeWireFormat, fcSeed, textArb } from '../../../support/wire.ts';

const SEED = fcSeed('icy-metadata.test', 0x1c7);

const encode = (m: IcyMetadata): Uint8Array => (m.title === undefined ? NO_CHANGE_BLOCK : encodeMetadataBlock(m.title));

/** `StreamTitle='` and `';` in hex. */
const PRE = '53747265616d5469746c653d27';
const END = '273b';

describeWireFormat('ICY metadata blocks', {
  decode: decodeMetadataBlock,
  encode,
  golden: [
    ['no change: L = 0', { title: undefined }, '00'],
    // Icecast 2.4's own initial block, byte for byte: "\001StreamTitle='';" (format_mp3.c).
    ['an empty title: the 17 bytes Icecast sends before any metadata', { title: '' }, `01 ${PRE} ${END} 00`],
    ['"Artist - Title": 29 bytes of text, 3 NULs', { title: 'Artist - Title' }, `02 ${PRE} 417274697374202d205469746c65 ${END} 000000`],
    ['an apostrophe kept, as Icecast keeps it', { title: "Don't" }, `02 ${PRE} 446f6e2774 ${END} ${'00'.repeat(12)}`],
    ['UTF-8 text', { title: 'Åsa' }, `02 ${PRE} c3857361 ${END} ${'00'.repeat(13)}`],
  ],
  malformed: [
    ['empty input', '', WireCode.TRUNCATED],
    ['L = 1 and 15 bytes', `01 ${PRE} ${END}`, WireCode.TRUNCATED],
    ['a byte after the block', `01 ${PRE} ${END} 00 00`, WireCode.TRAILING],
    ['a byte after L = 0', '00 00', WireCode.TRAILING],
    ['another key', `01 ${'53747265616d55726c3d27'} ${END} 000000`, WireCode.UNKNOWN_TYPE],
    ['a title without its closing quote', `02 ${PRE} 4142 ${'00'.repeat(17)}`, WireCode.UNKNOWN_TYPE],
    ['no NUL after the text', `01 ${PRE} 41 ${END}`, WireCode.RANGE],
    ['a non-NUL in the padding', `02 ${PRE} 41 ${END} 00 ff ${'00'.repeat(14)}`, WireCode.RANGE],
    ["';' inside the title", `02 ${PRE} 41 ${END} 42 ${END} ${'00'.repeat(13)}`, WireCode.RANGE],
    ['one 16-byte unit of padding too many', `02 ${PRE} ${END} ${'00'.repeat(17)}`, WireCode.NONCANONICAL],
    ['invalid UTF-8 in the title', `02 ${PRE} fffe ${END} ${'00'.repeat(15)}`, WireCode.UTF8],
  ],
  arbitrary: textArb(0, 120)
    .filter((t) => icyTitle(t) === t)
    .map((title): IcyMetadata => ({ title })),
  seed: SEED,
  value: 'title',
  packets: 'blocks',
  extra: () => {
    it("icyTitle keeps ', removes NUL and breaks '; so players read the whole title", () => {
      assert.equal(icyTitle("Guns N' Roses - Don't Cry"), "Guns N' Roses - Don't Cry");
      assert.equal(icyTitle("a';b"), "a' ;b");
      assert.equal(icyTitle("a'';b"), "a'' ;b");
      assert.equal(icyTitle('a\0b'), 'ab');
      assert.equal(icyTitle('x\ud800y'), 'x\ufffdy');
    });

    it('icyTitle cuts a long title at a UTF-8 boundary, to the longest a block holds (255 units)', () => {
      const long = `${'a'.repeat(MAX_TITLE_BYTES - 1)}éé`; // é is 2 bytes: the first one straddles the limit
      const cut = icyTitle(long);
      assert.equal(cut, 'a'.repeat(MAX_TITLE_BYTES - 1));
      assert.equal(icyTitle('é'.repeat(5000)), 'é'.repeat(Math.floor(MAX_TITLE_BYTES / 2)));
      const block = encodeMetadataBlock(icyTitle('a'.repeat(10_000)));
      assert.equal(block[0], 255);
      assert.equal(block.length, 1 + 255 * 16);
      assert.equal(decodedValue(decodeMetadataBlock(block)).title, 'a'.repeat(MAX_TITLE_BYTES));
    });

    it('the encoder refuses a title icyTitle would change (a local bug)', () => {
      assert.throws(() => encodeMetadataBlock("a';b"), RangeError);
      assert.throws(() => encodeMetadataBlock('a\0'), RangeError);
      assert.throws(() => encodeMetadataBlock('a'.repeat(MAX_TITLE_BYTES + 1)), RangeError);
    });
  },
});
