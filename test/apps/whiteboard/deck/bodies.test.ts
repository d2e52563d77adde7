import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBody, findBodyProblem, formatBodyPath, KIND_CODES, kindName, MAX_STROKE_POINTS } from '../../../../src/apps/whiteboard/deck/bodies.ts';

const good: Record<string, unknown> = {
  slide: { title: 'Scattercast', bg: '#ffffff' },
  text: { x: 100, y: -20.5, text: 'hello', size: 48, color: '#102030' },
  stroke: { points: [[0, 0], [10, 10.5]], color: '#AABBCC', width: 3 },
  rect: { x: 0, y: 0, w: 200, h: 100, color: '#000000', width: 0, fill: null },
  image: { x: 10, y: 10, w: 720, h: 477, mime: 'image/jpeg' },
  deleted: {},
  current: { slide: 3 },
};

/** `good[kind]` with `patch` applied (a key set to undefined is removed). */
function variant(kind: string, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(good[kind] as object), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete out[k];
  return out;
}

describe('whiteboard object bodies', () => {
  it('maps kind names to the contract codes and back', () => {
    assert.deepEqual(KIND_CODES, { slide: 1, text: 2, stroke: 3, rect: 4, image: 5, deleted: 6, current: 7 });
    for (const [name, code] of Object.entries(KIND_CODES)) assert.equal(kindName(code), name);
    for (const bad of [0, 8, 255, -1, 1.5, Number.NaN]) assert.equal(kindName(bad), undefined);
  });

  it('accepts a valid body of every kind', () => {
    for (const kind of Object.keys(KIND_CODES)) assert.equal(checkBody(kind, good[kind]), undefined, kind);
    assert.equal(checkBody('rect', variant('rect', { fill: '#ff0000' })), undefined);
    assert.equal(checkBody('text', variant('text', { text: 'x'.repeat(2000) })), undefined);
  });

  it('refuses each mistake, naming its path inside the body', () => {
    const cases: [string, unknown, string][] = [
      ['nope', {}, "unknown kind 'nope'"],
      ['slide', null, 'not an object'],
      ['slide', [], 'not an object'],
      ['slide', 'x', 'not an object'],
      ['slide', variant('slide', { title: 7 }), 'title: not a string'],
      ['slide', variant('slide', { title: 'x'.repeat(201) }), 'title: longer than 200 characters'],
      ['slide', variant('slide', { bg: 'red' }), 'bg: not a #rrggbb colour'],
      ['slide', variant('slide', { bg: '#fffffff' }), 'bg: not a #rrggbb colour'],
      ['slide', variant('slide', { bg: undefined }), 'bg: missing'],
      ['slide', variant('slide', { extra: 1 }), 'extra: unknown key'],
      ['slide', JSON.parse('{"title":"t","bg":"#000000","__proto__":{}}'), '__proto__: unknown key'],
      ['text', variant('text', { x: '1' }), 'x: not a number'],
      ['text', variant('text', { y: 10001 }), 'y: not in -10000..10000'],
      ['text', variant('text', { x: Number.POSITIVE_INFINITY }), 'x: not a number'],
      ['text', variant('text', { size: 7 }), 'size: not in 8..200'],
      ['text', variant('text', { size: 201 }), 'size: not in 8..200'],
      ['text', variant('text', { text: 'x'.repeat(2001) }), 'text: longer than 2000 characters'],
      ['text', variant('text', { color: null }), 'color: not a #rrggbb colour'],
      ['stroke', variant('stroke', { points: [] }), `points: not 1..${MAX_STROKE_POINTS} points`],
      ['stroke', variant('stroke', { points: {} }), 'points: not an array'],
      ['stroke', variant('stroke', { points: [[0, 0], [1]] }), 'points[1]: not an [x, y] pair'],
      ['stroke', variant('stroke', { points: [[0, 0], [1, 2, 3]] }), 'points[1]: not an [x, y] pair'],
      ['stroke', variant('stroke', { points: [[0, 0], [1, 'a']] }), 'points[1][1]: not a number'],
      ['stroke', variant('stroke', { points: [[-10001, 0]] }), 'points[0][0]: not in -10000..10000'],
      ['stroke', variant('stroke', { points: Array.from({ length: MAX_STROKE_POINTS + 1 }, () => [0, 0]) }), `points: not 1..${MAX_STROKE_POINTS} points`],
      ['stroke', variant('stroke', { width: 0 }), 'width: not in 1..50'],
      ['stroke', variant('stroke', { width: 51 }), 'width: not in 1..50'],
      ['rect', variant('rect', { w: -1 }), 'w: not in 0..10000'],
      ['rect', variant('rect', { h: 10001 }), 'h: not in 0..10000'],
      ['rect', variant('rect', { width: -1 }), 'width: not in 0..50'],
      ['rect', variant('rect', { fill: 'blue' }), 'fill: not a #rrggbb colour or null'],
      ['rect', variant('rect', { fill: undefined }), 'fill: missing'],
      ['image', variant('image', { mime: 'image/svg+xml' }), 'mime: not one of image/png, image/jpeg, image/webp, image/gif'],
      ['image', variant('image', { data: 'AAAA' }), 'data: unknown key'],
      ['deleted', { x: 1 }, 'x: unknown key'],
      ['current', { slide: 0 }, 'slide: not in 1..65535'],
      ['current', { slide: 1.5 }, 'slide: not an integer'],
      ['current', { slide: 65536 }, 'slide: not in 1..65535'],
    ];
    for (const [kind, body, want] of cases) assert.equal(checkBody(kind, body), want, `${kind} ${JSON.stringify(body)?.slice(0, 80)}`);
  });

  it('gives the path as segments so a file can prefix its own place', () => {
    const p = findBodyProblem('stroke', variant('stroke', { points: [[0, 'a']] }));
    assert.deepEqual(p, { path: ['points', 0, 1], problem: 'not a number' });
    assert.equal(formatBodyPath(p!.path, 'slides[2].objects[0].body'), 'slides[2].objects[0].body.points[0][1]');
    assert.equal(formatBodyPath([], 'slides[0].objects[0].body'), 'slides[0].objects[0].body');
  });
});
