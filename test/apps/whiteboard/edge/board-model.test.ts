import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBody, encodeBody, type BoardObject } from '../../../../src/apps/whiteboard/edge/adu-body.ts';
import { BoardModel, OBJECT_OVERHEAD_BYTES } from '../../../../src/apps/whiteboard/edge/board-model.ts';
import { KIND_CODES } from '../../../../src/apps/whiteboard/deck/bodies.ts';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 7)]);
const slide = (s: number, id: number, v = 1): BoardObject => ({ slide: s, id, v, kind: 'slide', body: { title: `s${s}`, bg: '#ffffff' } });
const text = (s: number, id: number, v = 1): BoardObject => ({ slide: s, id, v, kind: 'text', body: { x: 1, y: 2, text: 'hi', size: 20, color: '#000000' } });

describe('the board model', () => {
  it('keeps the latest version of each object and refuses stale ones', () => {
    const m = new BoardModel(1 << 20, 100);
    assert.equal(m.apply(text(1, 5, 2), 10), 'applied');
    assert.equal(m.apply(text(1, 5, 2), 10), 'stale');
    assert.equal(m.apply(text(1, 5, 1), 10), 'stale');
    assert.equal(m.apply(text(1, 5, 3), 30), 'applied');
    assert.equal(m.get(1, 5)?.v, 3);
    assert.equal(m.objects, 1);
    assert.equal(m.bytes, 30 + OBJECT_OVERHEAD_BYTES);
  });

  it('refuses what would break its bounds, whole', () => {
    const m = new BoardModel(2 * (100 + OBJECT_OVERHEAD_BYTES), 3);
    assert.equal(m.apply(text(1, 2), 100), 'applied');
    assert.equal(m.apply(text(1, 3), 100), 'applied');
    assert.equal(m.apply(text(1, 4), 1), 'full');
    assert.equal(m.apply(text(1, 3, 2), 101), 'full');
    assert.equal(m.apply(text(1, 3, 2), 50), 'applied');
    assert.equal(m.get(1, 3)?.v, 2);
    const n = new BoardModel(1 << 20, 2);
    n.apply(text(1, 2), 1);
    n.apply(text(1, 3), 1);
    assert.equal(n.apply(text(2, 4), 1), 'full');
    assert.equal(n.apply(text(1, 3, 9), 1), 'applied');
    assert.equal(n.apply(text(2, 3, 10), 1), 'elsewhere');
    assert.equal(n.slideOf(3), 1);
  });

  it('orders a late joiner: the current slide first, then the nearest, deleted objects left out', () => {
    const m = new BoardModel(1 << 20, 100);
    for (const s of [1, 2, 3, 4, 5]) m.apply(slide(s, 10 * s), 1);
    m.apply(text(3, 31), 1);
    m.apply(text(3, 29), 1);
    m.apply({ slide: 3, id: 32, v: 1, kind: 'deleted', body: {} }, 1);
    m.apply({ slide: 0, id: 1, v: 1, kind: 'current', body: { slide: 3 } }, 1);
    assert.equal(m.current(), 3);
    assert.equal(m.slideObject(3)?.id, 30);
    assert.equal(m.nextId(), 51);
    const order = [...m.lateJoinOrder(3)].map((x) => `${x.slide}:${x.id}`);
    assert.deepEqual(order, ['3:29', '3:30', '3:31', '2:20', '4:40', '1:10', '5:50']);
  });
});

describe('whiteboard ADU bodies', () => {
  it('round-trip every kind, images with their bytes', () => {
    const objects: BoardObject[] = [slide(1, 2), text(1, 3), { slide: 1, id: 4, v: 1, kind: 'image', body: { x: 0, y: 0, w: 10, h: 10, mime: 'image/png' }, image: PNG }];
    for (const o of objects) {
      const d = decodeBody(KIND_CODES[o.kind], encodeBody(o));
      assert.ok(d.ok, JSON.stringify(d));
      assert.deepEqual(d.body, o.body);
      assert.deepEqual(d.image && Buffer.from(d.image), o.image);
    }
  });

  it('refuse hostile bytes with a reason, never throwing', () => {
    const bad: Array<[number, Uint8Array, RegExp]> = [
      [99, Buffer.from('{}'), /unknown kind/],
      [KIND_CODES.text, Buffer.from('{not json'), /not JSON/],
      [KIND_CODES.text, Buffer.from([0xff, 0xfe]), /not JSON/],
      [KIND_CODES.text, Buffer.from('{"x":1}'), /text body/],
      [KIND_CODES.slide, Buffer.from('{"title":"t","bg":"#fff"}'), /bg/],
      [KIND_CODES.image, Buffer.from([0, 0]), /shorter/],
      [KIND_CODES.image, Buffer.from([0, 0, 1, 0, 1]), /past its end/],
      [KIND_CODES.image, encodeBody({ kind: 'image', body: { x: 0, y: 0, w: 1, h: 1, mime: 'image/png' }, image: Buffer.from('not an image') }), /not PNG/],
      [KIND_CODES.image, encodeBody({ kind: 'image', body: { x: 0, y: 0, w: 1, h: 1, mime: 'image/png' } }), /image of 0 bytes/],
    ];
    for (const [kind, bytes, why] of bad) {
      const d = decodeBody(kind, bytes);
      assert.equal(d.ok, false);
      assert.match((d as { problem: string }).problem, why);
    }
  });
});
