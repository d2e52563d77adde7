import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pngHeader, sniffImage } from '../../../../src/apps/whiteboard/adapt/small-image.ts';
import { checkBody } from '../../../../src/apps/whiteboard/deck/bodies.ts';
import { MAX_DECK_OBJECTS, parseDeck, readDeckFile, renderDeck, type Deck } from '../../../../src/apps/whiteboard/deck/deck-file.ts';
import { ErrorCode, ScError } from '../../../../src/core/errors.ts';

const SAMPLE = fileURLToPath(new URL('../../../../assets/whiteboard/sample-deck.json', import.meta.url));
const sampleText = readFileSync(SAMPLE, 'utf8');
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWdKvfQAAAABJRU5ErkJggg==', 'base64');

/** A small valid deck as plain JSON (mutable, for making mistakes). */
function minimal(): any {
  return {
    format: 'scattercast-whiteboard',
    version: 1,
    title: 'T',
    current: 1,
    slides: [
      { slide: 1, objects: [{ id: 1, kind: 'slide', body: { title: 'one', bg: '#ffffff' } }, { id: 2, kind: 'text', body: { x: 1, y: 2, text: 'hi', size: 20, color: '#000000' } }] },
      { slide: 3, objects: [{ id: 3, kind: 'slide', body: { title: 'three', bg: '#000000' } }, { id: 4, kind: 'image', body: { x: 0, y: 0, w: 1, h: 1, mime: 'image/png' }, data: PNG_1x1.toString('base64') }] },
    ],
  };
}

/** Asserts that `text` is refused with `code` and a message equal to `message`. */
function refused(text: string, code: string, message: string | RegExp): void {
  assert.throws(
    () => parseDeck(text),
    (err: unknown) => err instanceof ScError && err.code === code && (typeof message === 'string' ? err.message === message : message.test(err.message)),
    message.toString(),
  );
}

/** Asserts `mutate(minimal())` is refused as invalid with `message`. */
function mistake(mutate: (d: any) => void, message: string): void {
  const d = minimal();
  mutate(d);
  refused(JSON.stringify(d), ErrorCode.WB_DECK_INVALID, message);
}

describe('deck files', () => {
  it('parses the built-in sample deck: a short talk with every kind and a real photo', () => {
    const deck = parseDeck(sampleText);
    assert.equal(deck.title, 'Scattercast: broadcast for the Internet');
    assert.equal(deck.current, 1);
    assert.deepEqual(deck.slides.map((s) => s.slide), [1, 2, 3, 4, 5]);
    const kinds = new Set(deck.slides.flatMap((s) => s.objects.map((o) => o.kind)));
    assert.deepEqual([...kinds].sort(), ['image', 'rect', 'slide', 'stroke', 'text']);
    for (const s of deck.slides) for (const o of s.objects) assert.equal(checkBody(o.kind, o.body), undefined);
    const images = deck.slides.flatMap((s) => s.objects.filter((o) => o.kind === 'image'));
    assert.equal(images.length, 1);
    assert.equal(sniffImage(images[0]!.data!), 'jpeg');
    assert.ok(images[0]!.data!.length > 20_000, 'a real photo, not a placeholder');
    const ids = deck.slides.flatMap((s) => s.objects.map((o) => o.id));
    assert.equal(new Set(ids).size, ids.length, 'ids unique across the deck');
  });

  it('renders the sample deck back to the very same text (golden), and round-trips any deck', () => {
    assert.equal(renderDeck(parseDeck(sampleText)), sampleText);
    const deck = parseDeck(JSON.stringify(minimal()));
    assert.deepEqual(parseDeck(renderDeck(deck)), deck);
    assert.deepEqual(Buffer.from(deck.slides[1]!.objects[1]!.data!), PNG_1x1);
    assert.equal(pngHeader(deck.slides[1]!.objects[1]!.data!)?.width, 1);
    const empty: Deck = { title: 'empty', current: 1, slides: [] };
    assert.deepEqual(parseDeck(renderDeck(empty)), empty);
  });

  it('refuses text that is not JSON, or too large, as a syntax error', () => {
    refused('{', ErrorCode.WB_DECK_SYNTAX, /^deck is not JSON/);
    refused('', ErrorCode.WB_DECK_SYNTAX, /^deck is not JSON/);
    refused(' '.repeat(64 * 1024 * 1024 + 1), ErrorCode.WB_DECK_SYNTAX, /larger than/);
    refused('['.repeat(100_000) + ']'.repeat(100_000), ErrorCode.WB_DECK_INVALID, '(top): not an object');
  });

  it('refuses each kind of mistake, naming its path in the file', () => {
    mistake((d) => (d.format = 'pptx'), 'format: not "scattercast-whiteboard"');
    mistake((d) => (d.version = 2), 'version: not 1');
    mistake((d) => (d.extra = 1), 'extra: unknown key');
    mistake((d) => (d.title = 5), 'title: not a string');
    mistake((d) => (d.title = 'x'.repeat(201)), 'title: longer than 200 characters');
    mistake((d) => (d.current = 0), 'current: not a slide number 1..65535');
    mistake((d) => (d.slides = {}), 'slides: not an array');
    mistake((d) => (d.slides[1] = 7), 'slides[1]: not an object');
    mistake((d) => (d.slides[1].slide = 65536), 'slides[1].slide: not a slide number 1..65535');
    mistake((d) => (d.slides[1].slide = 1), 'slides[1].slide: not above the slide before it');
    mistake((d) => (d.slides[0].notes = ''), 'slides[0].notes: unknown key');
    mistake((d) => (d.slides[0].objects = null), 'slides[0].objects: not an array');
    mistake((d) => d.slides[0].objects.shift(), 'slides[0].objects: no slide object');
    mistake((d) => (d.slides[0].objects[1].id = 0), 'slides[0].objects[1].id: not an object id 1..4294967295');
    mistake((d) => (d.slides[0].objects[1].id = 1), 'slides[0].objects[1].id: 1 repeated on slide 1');
    mistake((d) => (d.slides[0].objects[1].kind = 'current'), 'slides[0].objects[1].kind: not one of slide, text, stroke, rect, image');
    mistake((d) => (d.slides[0].objects[1].kind = 'deleted'), 'slides[0].objects[1].kind: not one of slide, text, stroke, rect, image');
    mistake((d) => (d.slides[0].objects[1].v = 3), 'slides[0].objects[1].v: unknown key');
    mistake((d) => (d.slides[0].objects[1].body.x = 'left'), 'slides[0].objects[1].body.x: not a number');
    mistake((d) => (d.slides[0].objects[1].body = []), 'slides[0].objects[1].body: not an object');
    mistake((d) => (d.slides[0].objects[1].data = 'AAAA'), 'slides[0].objects[1].data: only image objects have data');
    mistake(
      (d) => (d.slides[1].objects[0] = { id: 3, kind: 'stroke', body: { points: [[0, 0], [1, 1e6]], color: '#000000', width: 2 } }),
      'slides[1].objects[0].body.points[1][1]: not in -10000..10000',
    );
    mistake((d) => delete d.slides[1].objects[1].data, 'slides[1].objects[1].data: missing (base64 of the image file)');
    mistake((d) => (d.slides[1].objects[1].data = 'not base64!'), 'slides[1].objects[1].data: not base64');
    mistake((d) => (d.slides[1].objects[1].data = ''), 'slides[1].objects[1].data: empty');
    mistake((d) => (d.slides[1].objects[1].data = Buffer.from('hello world!').toString('base64')), 'slides[1].objects[1].data: not a PNG, JPEG, GIF or WebP file');
    mistake((d) => (d.slides[1].objects[1].body.mime = 'image/jpeg'), 'slides[1].objects[1].data: an image/png file, but body.mime is image/jpeg');
    mistake((d) => (d.slides[1].objects[1].data = 'A'.repeat(6 * 1024 * 1024)), 'slides[1].objects[1].data: larger than 4194304 bytes');
  });

  it('bounds the number of objects before looking at them', () => {
    const d = minimal();
    d.slides[0].objects = Array.from({ length: MAX_DECK_OBJECTS + 1 }, () => 0);
    refused(JSON.stringify(d), ErrorCode.WB_DECK_INVALID, `slides[0].objects: more than ${MAX_DECK_OBJECTS} objects in the deck`);
  });

  it('reads a file, naming it by its label in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-wb-deck-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify(minimal()));
      assert.equal(readDeckFile(good).slides.length, 2);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"format": 1}');
      assert.throws(() => readDeckFile(bad, '--deck'), (e: unknown) => e instanceof ScError && e.code === ErrorCode.WB_DECK_INVALID && e.message === '--deck: format: not "scattercast-whiteboard"');
      assert.throws(() => readDeckFile(join(dir, 'none.json'), '--deck'), (e: unknown) => e instanceof ScError && e.code === ErrorCode.WB_DECK_READ && e.message.startsWith('--deck: cannot read'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
