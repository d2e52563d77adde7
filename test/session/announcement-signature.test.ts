import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { ErrorCode } from '../../src/core/errors.ts';
import { parseAnnouncement, parseToSign, type Announcement } from '../../src/session/announcement.ts';
import { buildAnnouncement, renderAnnouncement } from '../../src/session/announcement-build.ts';
import { signAnnouncement } from '../../src/session/announcement-signature.ts';
import { boundKeyId, creatorKeyId } from '../../src/session/creator-key.ts';
import { parseSessionName } from '../../src/session/name.ts';
import { rawPublicKey } from '../../src/trust/credential.ts';
import { testCreator } from '../support/creator.ts';
import { testSeed } from '../support/seed.ts';

const SIGNATURE = { code: ErrorCode.ANNOUNCEMENT_SIGNATURE };
const INVALID = { code: ErrorCode.ANNOUNCEMENT_INVALID };

const creator = testCreator();
const NAME = creator.name('radio', 'example.org');
const UNSIGNED = `<SCATTERCAST name="${NAME}">
  <DESCRIPTION>radio &amp; news</DESCRIPTION>
  <CHANNEL id="1"><DESCRIPTION>audio</DESCRIPTION><TRANSPORT unicast="tcp"/></CHANNEL>
  <CHANNEL id="2"><TRANSPORT unicast="udp" multicast="rtp"/></CHANNEL>
  <RENDEZVOUS>127.0.0.1:7401 10.0.0.2:7401</RENDEZVOUS>
</SCATTERCAST>`;
const SIGNED = creator.sign(UNSIGNED);

describe('creator key ids', () => {
  it('are key- and 32 base32 characters of the key hash, and bind the last label of a creator', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const id = creatorKeyId(rawPublicKey(publicKey));
    assert.match(id, /^key-[a-z2-7]{32}$/);
    assert.equal(creatorKeyId(new Uint8Array(32)), 'key-mzuhvlpymk6xo3epygfy5h4oeaejofef', 'pinned (Python: base32 of sha256(bytes(32))[:20], lower-cased)');
    assert.equal(boundKeyId(parseSessionName(`scast://${id}/x`)), id);
    assert.equal(boundKeyId(parseSessionName(`scast://a.b.${id.toUpperCase()}/x`)), id);
    assert.equal(boundKeyId(parseSessionName(`scast://${id}.example.org/x`)), undefined, 'only the last label binds');
    assert.equal(boundKeyId(parseSessionName('scast://key-short/x')), undefined);
    assert.equal(boundKeyId(parseSessionName('scast://www.cnn.com/news')), undefined);
  });
});

describe('signed announcements', () => {
  it('carry the creator key and signature in a CREATOR element, and parse back verified', () => {
    assert.match(SIGNED, /\n {2}<CREATOR key="[A-Za-z0-9_-]{43}" signature="[A-Za-z0-9_-]{86}"\/>\n<\/SCATTERCAST>\n$/);
    const a = parseAnnouncement(SIGNED);
    assert.deepEqual(a.creator?.publicKey, new Uint8Array(rawPublicKey(creator.key)));
    assert.equal(buildAnnouncement(a), SIGNED, 'rendered again, the signature is kept: a frontend or node passes it on intact');
    assert.equal(renderAnnouncement(a), SIGNED);
  });

  it('sign the canonical form: white space, references and the place of DESCRIPTION do not matter', () => {
    const creatorLine = /^ {2}<CREATOR .*$/m.exec(SIGNED)?.[0] as string;
    const reflowed = `<?xml version="1.0" encoding="UTF-8"?>\n<SCATTERCAST   name='${NAME}'>${creatorLine}
      <CHANNEL id="1"><TRANSPORT unicast="TCP"/><DESCRIPTION> audio </DESCRIPTION></CHANNEL><CHANNEL id="2">
      <TRANSPORT multicast="rtp" unicast="udp"/></CHANNEL><RENDEZVOUS>127.0.0.1:7401</RENDEZVOUS>
      <RENDEZVOUS>10.0.0.2:7401</RENDEZVOUS><DESCRIPTION>radio &#38; news</DESCRIPTION></SCATTERCAST>`;
    assert.equal(renderAnnouncement(parseAnnouncement(reflowed)), SIGNED);
  });

  it('refuse any change of meaning after signing', () => {
    const changes: [string, string][] = [
      ['radio &amp; news', 'radio &amp; newz'],
      ['<CHANNEL id="2">', '<CHANNEL id="3">'],
      ['unicast="udp"', 'unicast="tcp"'],
      [' multicast="rtp"', ''],
      ['    <DESCRIPTION>audio</DESCRIPTION>\n', ''],
      ['127.0.0.1:7401', '127.0.0.1:7402'],
      ['<RENDEZVOUS>10.0.0.2:7401</RENDEZVOUS>', '<RENDEZVOUS>10.0.0.2:7401 10.0.0.3:1</RENDEZVOUS>'],
    ];
    for (const [from, to] of changes) {
      assert.ok(SIGNED.includes(from), from);
      assert.throws(() => parseAnnouncement(SIGNED.replace(from, to)), { ...SIGNATURE, message: /does not verify/ }, `${from} -> ${to}`);
    }
  });

  it('refuse a name bound to a key without a signature, or with another key', () => {
    assert.throws(() => parseAnnouncement(UNSIGNED), { ...SIGNATURE, message: /must be signed by that key/ });
    const other = testCreator();
    const stolen = SIGNED.replace(/key="[^"]*"/, `key="${rawPublicKey(other.key).toString('base64url')}"`);
    assert.throws(() => parseAnnouncement(stolen), { ...SIGNATURE, message: new RegExp(`CREATOR key ${other.keyId} does not own`) });
    // The other key signs a copy under its own name: a different session (another name, another id), never this one.
    const copy = other.sign(UNSIGNED.replace(creator.keyId, other.keyId));
    assert.notEqual(parseAnnouncement(copy).name.creator, parseAnnouncement(SIGNED).name.creator);
  });

  it('refuse to sign, or to accept signed, a name not bound to the key', () => {
    const plain = parseToSign(UNSIGNED.replace(`.${creator.keyId}`, ''));
    assert.throws(() => signAnnouncement(plain, creator.key), { ...SIGNATURE, message: new RegExp(`name the session scast://example.org.${creator.keyId}/radio`) });
    const creatorLine = /<CREATOR .*\/>/.exec(SIGNED)?.[0] as string;
    const unbound = UNSIGNED.replace(`.${creator.keyId}`, '').replace('</SCATTERCAST>', `${creatorLine}</SCATTERCAST>`);
    assert.throws(() => parseAnnouncement(unbound), { ...SIGNATURE, message: /does not own/ });
  });

  it('refuse a malformed CREATOR with ERR_ANNOUNCEMENT_INVALID', () => {
    const [key, sig] = [/key="([^"]*)"/.exec(SIGNED)?.[1] as string, /signature="([^"]*)"/.exec(SIGNED)?.[1] as string];
    const cases = [
      `<CREATOR key="${key}"/>`,
      `<CREATOR signature="${sig}"/>`,
      `<CREATOR key="${key}=" signature="${sig}"/>`,
      `<CREATOR key="${key.slice(0, -1)}" signature="${sig}"/>`,
      `<CREATOR key="${key}" signature="${sig}A"/>`,
      `<CREATOR key="${key.replace(/.$/, '+')}" signature="${sig}"/>`,
      `<CREATOR key="${key.slice(0, -1)}${key.endsWith('B') ? 'C' : 'B'}x" signature="${sig}"/>`,
      `<CREATOR key="${key}" signature="${sig}" by="me"/>`,
      `<CREATOR key="${key}" signature="${sig}">x</CREATOR>`,
      `<CREATOR key="${key}" signature="${sig}"><X/></CREATOR>`,
      `<CREATOR key="${key}" signature="${sig}"/><CREATOR key="${key}" signature="${sig}"/>`,
    ];
    for (const c of cases) assert.throws(() => parseAnnouncement(UNSIGNED.replace('</SCATTERCAST>', `${c}</SCATTERCAST>`)), INVALID, c);
  });

  it('sign again an edited signed announcement (parseToSign drops the old CREATOR)', () => {
    const edited = SIGNED.replace('radio &amp; news', 'news only');
    const again = creator.sign(edited);
    assert.equal(parseAnnouncement(again).description, 'news only');
    assert.throws(() => parseToSign('<X/>'), INVALID);
  });

  it('never parse a tampered document as anything but what was signed', (t) => {
    const seed = testSeed(t, 0x5157);
    const edit = fc.record({ at: fc.nat(), cut: fc.integer({ min: 0, max: 6 }), text: fc.constantFrom('', ' ', '\n', 'x', '1', '"', '<', '/>', '&amp;', '.', ':9') });
    const original = parseAnnouncement(SIGNED);
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let doc = SIGNED;
        for (const e of edits) {
          const at = e.at % (doc.length + 1);
          doc = doc.slice(0, at) + e.text + doc.slice(at + e.cut);
        }
        let parsed: Announcement;
        try {
          parsed = parseAnnouncement(doc);
        } catch (err) {
          assert.ok(([ErrorCode.ANNOUNCEMENT_INVALID, ErrorCode.ANNOUNCEMENT_SIGNATURE] as string[]).includes((err as { code: string }).code), String(err));
          return;
        }
        assert.equal(renderAnnouncement(parsed), renderAnnouncement(original), `accepted a changed announcement:\n${doc}`);
      }),
      { seed, numRuns: 1500 },
    );
  });
});
