/**
 * The pages' pure modules under Node (no browser): the model (latest version wins, hostile messages refused and
 * counted), the body checks (the edge's own: src/apps/whiteboard/deck/bodies.ts re-exports the page's body-rules.js,
 * and the page's `validBody` says what the edge's `checkBody` says on random bodies), and deck files (the page's
 * reader takes the sample deck and what the server's parser takes, and the server's parser takes what the page saves).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkBody, findBodyProblem } from '../../../../src/apps/whiteboard/deck/bodies.ts';
import { parseDeck } from '../../../../src/apps/whiteboard/deck/deck-file.ts';
import { fcSeed } from '../../../support/wire.ts';

const SEED = fcSeed('page-model.test', 0x3b0a);
const PAGE = new URL('../../../../src/apps/whiteboard/page/', import.meta.url);

/** The page's modules, untyped (plain browser ES modules). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const { Model }: Any = await import(new URL('model.js', PAGE).href);
const kinds: Any = await import(new URL('kinds.js', PAGE).href);
const rules: Any = await import(new URL('body-rules.js', PAGE).href);
const decks: Any = await import(new URL('deck-file.js', PAGE).href);

const obj = (slide: number, id: number, v: number, kind: string, body: unknown) => ({ t: 'obj', slide, id, v, kind, body });
const SLIDE = { title: 'One', bg: '#ffffff' };
const TEXT = { x: 10, y: 20, text: 'hi', size: 40, color: '#112233' };

describe('the page model', () => {
  it('keeps the latest version of each object and counts stale ones', () => {
    const m = new Model();
    assert.equal(m.apply(obj(1, 2, 1, 'slide', SLIDE)), true);
    assert.equal(m.apply(obj(1, 3, 2, 'text', TEXT)), true);
    assert.equal(m.apply(obj(1, 3, 1, 'text', { ...TEXT, text: 'old' })), false, 'an older version is stale');
    assert.equal(m.apply(obj(1, 3, 2, 'text', { ...TEXT, text: 'same' })), false, 'an equal version is stale');
    assert.equal(m.stale, 2);
    assert.deepEqual(m.snapshot(1), [{ id: 2, v: 1, kind: 'slide', body: SLIDE }, { id: 3, v: 2, kind: 'text', body: TEXT }]);
    assert.equal(m.apply(obj(1, 3, 3, 'deleted', {})), true);
    assert.deepEqual(m.snapshot(1).map((o: { id: number }) => o.id), [2], 'a deleted object is gone from the model');
    assert.equal(m.apply(obj(1, 3, 3, 'text', TEXT)), false, 'and stays gone at its version');
    assert.deepEqual(m.slideNumbers(), [1]);
    assert.equal(m.apply(obj(2, 9, 1, 'text', TEXT)), true);
    assert.deepEqual(m.slideNumbers(), [1], 'a slide exists once its slide object does');
    assert.deepEqual(m.allSlideNumbers(), [1, 2]);
    assert.equal(m.maxId(), 9);
  });

  it('keeps an image\'s bytes with its version and finds the latest', () => {
    const m = new Model();
    const body = { x: 0, y: 0, w: 10, h: 10, mime: 'image/png' };
    m.apply(obj(1, 5, 1, 'image', body), new Uint8Array([1]));
    m.apply(obj(1, 5, 2, 'image', body), new Uint8Array([1, 2]));
    assert.equal(m.findImage(5).bytes.length, 2);
    assert.equal(m.findImage(6), undefined);
    m.apply(obj(1, 7, 1, 'text', TEXT), new Uint8Array([9]));
    assert.equal(m.get(1, 7).bytes, undefined, 'only images keep bytes');
  });

  it('refuses hostile messages and counts them', () => {
    const m = new Model();
    const bad = [
      null, [], 'x', { t: 'obj' }, obj(0, 1, 1, 'slide', SLIDE), obj(65536, 1, 1, 'slide', SLIDE), obj(1, 0, 1, 'slide', SLIDE),
      obj(1, 1, 0, 'slide', SLIDE), obj(1, 2 ** 32, 1, 'slide', SLIDE), obj(1, 1.5, 1, 'slide', SLIDE), obj(1, 1, 1, 'current', { slide: 1 }),
      obj(1, 1, 1, 'nope', {}), obj(1, 1, 1, '__proto__', {}), obj(1, 1, 1, 'text', [TEXT]), obj(1, 1, 1, 'text', { ...TEXT, x: Number.NaN }),
      obj(1, 1, 1, 'text', { ...TEXT, color: 'red' }), obj(1, 1, 1, 'text', { ...TEXT, extra: 1 }),
      obj(1, 1, 1, 'stroke', { points: Array.from({ length: 5001 }, () => [0, 0]), color: '#000000', width: 2 }),
    ];
    for (const b of bad) assert.equal(m.apply(b), false, JSON.stringify(b)?.slice(0, 80));
    assert.equal(m.invalid, bad.length);
    assert.deepEqual(m.allSlideNumbers(), []);
  });
});

// Bodies near the rules' edges: numbers at and past the limits, strings of every kind, missing and extra keys.
const edgeNumber = fc.oneof(fc.constantFrom(-10001, -10000, -1, 0, 0.5, 1, 7.9, 8, 50, 50.5, 200, 201, 10000, 10001, Number.NaN, Infinity), fc.double({ min: -20000, max: 20000, noNaN: true }));
const anyValue = fc.oneof(edgeNumber, fc.constantFrom('#a0B1c2', '#abc', 'red', '', null, 'image/png', 'image/tiff', true), fc.string({ maxLength: 3 }));
const field = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: anyValue });
const COLOR = fc.constantFrom('#000000', '#a0B1c2', '#ffffff');
const BODIES: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  slide: fc.record({ title: field(fc.string({ maxLength: 201 })), bg: field(COLOR) }),
  text: fc.record({ x: field(edgeNumber), y: field(edgeNumber), text: field(fc.string()), size: field(edgeNumber), color: field(COLOR) }),
  stroke: fc.record({ points: field(fc.array(fc.tuple(edgeNumber, edgeNumber), { minLength: 0, maxLength: 4 })), color: field(COLOR), width: field(edgeNumber) }),
  rect: fc.record({ x: field(edgeNumber), y: field(edgeNumber), w: field(edgeNumber), h: field(edgeNumber), color: field(COLOR), width: field(edgeNumber), fill: field(fc.oneof(COLOR, fc.constant(null))) }),
  image: fc.record({ x: field(edgeNumber), y: field(edgeNumber), w: field(edgeNumber), h: field(edgeNumber), mime: field(fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/gif')) }),
  deleted: fc.constant({}),
  current: fc.record({ slide: field(fc.integer({ min: 0, max: 70000 })) }),
};
const mutated = fc.constantFrom(...Object.keys(BODIES)).chain((kind) =>
  fc.tuple(fc.constant(kind), BODIES[kind]!, fc.constantFrom('none', 'drop', 'extra')).map(([k, body, change]) => {
    const b: Record<string, unknown> = { ...body };
    const keys = Object.keys(b);
    if (change === 'drop' && keys.length > 0) delete b[keys[0]!];
    if (change === 'extra') b.extra = 1;
    return [k, b] as const;
  }));

describe('the page\'s body checks', () => {
  it('are the edge\'s: bodies.ts re-exports the page\'s body-rules.js, one implementation', () => {
    assert.equal(checkBody, rules.checkBody);
    assert.equal(findBodyProblem, rules.findBodyProblem);
  });

  it('agree with the edge\'s bodies.ts on random bodies of every kind', () => {
    let valid = 0;
    fc.assert(
      fc.property(mutated, ([kind, body]) => {
        const edge = checkBody(kind, body) === undefined;
        assert.equal(kinds.validBody(kind, body), edge, `${kind} ${JSON.stringify(body)}: the edge says ${checkBody(kind, body) ?? 'valid'}`);
        if (edge) valid++;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    assert.ok(valid > 300, `enough valid bodies were tried (${valid})`);
  });
});

describe('deck files in the page', () => {
  const sample = readFileSync(new URL('../../../../assets/whiteboard/sample-deck.json', import.meta.url), 'utf8');

  it('reads the sample deck as the server does, and the server reads what the page saves from it', () => {
    const deck = decks.readDeck(sample);
    const server = parseDeck(sample);
    assert.equal(deck.title, server.title);
    assert.equal(deck.current, server.current);
    assert.deepEqual(
      deck.objects.map((o: { slide: number; id: number; kind: string }) => `${o.slide}:${o.id}:${o.kind}`),
      server.slides.flatMap((s) => s.objects.map((o) => `${s.slide}:${o.id}:${o.kind}`)),
    );
    const images = deck.objects.filter((o: { kind: string }) => o.kind === 'image');
    assert.ok(images.length >= 1 && images.every((o: { bytes: Uint8Array }) => o.bytes.length > 1000), 'the photo came with its bytes');

    const m = new Model();
    for (const [i, e] of decks.loadPlan(m, deck).entries()) assert.equal(m.apply(obj(e.slide, e.id, 1, e.kind, e.body), e.bytes), true, `edit ${i}`);
    const saved = decks.buildDeck(m, { title: deck.title, current: deck.current });
    const again = parseDeck(JSON.stringify(saved));
    const byId = (d: typeof server) => d.slides.map((s) => [...s.objects].sort((a, b) => a.id - b.id).map((o) => [o.id, o.kind, o.body, o.data?.length]));
    assert.deepEqual(byId(again), byId(server), 'the server reads the saved deck as the sample (objects in id order)');
    assert.equal(again.title, server.title);
  });

  it('loads a deck over a presentation: what the deck lacks is deleted, the current slide goes first', () => {
    const m = new Model();
    m.apply(obj(1, 2, 1, 'slide', SLIDE));
    m.apply(obj(1, 50, 1, 'text', TEXT));
    const deck = decks.readDeck(JSON.stringify({ format: 'scattercast-whiteboard', version: 1, title: 't', current: 2, slides: [
      { slide: 1, objects: [{ id: 2, kind: 'slide', body: SLIDE }, { id: 3, kind: 'text', body: TEXT }] },
      { slide: 2, objects: [{ id: 4, kind: 'text', body: TEXT }, { id: 5, kind: 'slide', body: SLIDE }] },
    ] }));
    const plan = decks.loadPlan(m, deck).map((e: { slide: number; id: number; kind: string }) => `${e.slide}:${e.id}:${e.kind}`);
    assert.deepEqual(plan, ['1:50:deleted', '2:5:slide', '2:4:text', '1:2:slide', '1:3:text']);
  });

  it('refuses a broken deck, naming where it is wrong', () => {
    const base = { format: 'scattercast-whiteboard', version: 1, title: 't', current: 1 };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, format: 'x', slides: [] }, /format/],
      [{ ...base, slides: {} }, /slides is not a list/],
      [{ ...base, slides: [{ slide: 0, objects: [] }] }, /slides\[0\]\.slide/],
      [{ ...base, slides: [{ slide: 1, objects: [{ id: 1, kind: 'text', body: { ...TEXT, size: 2 } }] }] }, /slides\[0\]\.objects\[0\] is not a valid text/],
      [{ ...base, slides: [{ slide: 1, objects: [{ id: 1, kind: 'slide', body: SLIDE }, { id: 1, kind: 'slide', body: SLIDE }] }] }, /repeated/],
      [{ ...base, slides: [{ slide: 1, objects: [{ id: 1, kind: 'image', body: { x: 0, y: 0, w: 1, h: 1, mime: 'image/png' }, data: '%%%' }] }] }, /data is not base64/],
      [{ ...base, slides: [{ slide: 1, objects: [{ id: 1, kind: 'image', body: { x: 0, y: 0, w: 1, h: 1, mime: 'image/png' } }] }] }, /data is missing/],
    ];
    for (const [deck, why] of cases) assert.throws(() => decks.readDeck(JSON.stringify(deck)), why);
    assert.throws(() => decks.readDeck('{'), /not JSON/);
  });

  it('round-trips bytes through base64', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff);
    assert.deepEqual(decks.fromBase64(decks.toBase64(bytes)), bytes);
    assert.equal(decks.toBase64(bytes), Buffer.from(bytes).toString('base64'));
  });
});
