import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, ScError } from '../../../../src/core/errors.ts';
import { nodeConfig, nodeConfigJson } from '../../../../src/daemon/node-config.ts';
import { presentationOf, whiteboardConfig, whiteboardConfigJson } from '../../../../src/apps/whiteboard/whiteboard-config.ts';

const good = { presentations: [{ session: 'scast://Demo.Scattercast/talk', title: 'Scattercast whiteboard' }] };

function refused(raw: object, key: RegExp): void {
  assert.throws(
    () => whiteboardConfig(raw as never),
    (err: unknown) => err instanceof ScError && err.code === ErrorCode.CONFIG_INVALID && key.test(err.message),
  );
}

describe('the whiteboard config', () => {
  it('fills the defaults and spells sessions canonically', () => {
    const c = whiteboardConfig(good)!;
    assert.equal(c.presentations[0]!.session, 'scast://demo.scattercast/talk');
    assert.equal(c.smallWidth, 640);
    assert.equal(c.maxViewers, 1000);
    assert.equal(c.maxDeckBytes, 64 << 20);
    assert.equal(c.maxObjects, 20000);
    assert.equal(c.rendezvous, undefined);
    assert.equal(whiteboardConfig(undefined), undefined);
    assert.equal(whiteboardConfig({ presentations: [{ session: 'scast://x.org/a/b' }] })!.presentations[0]!.title, 'b');
    assert.equal(presentationOf('scast://demo.scattercast/talk'), 'talk');
  });

  it('refuses what would not work, naming the key', () => {
    refused({ presentations: [] }, /whiteboard\.presentations/);
    refused({}, /whiteboard\.presentations/);
    refused({ presentations: [{ title: 'x' }] }, /presentations\[0\]\.session/);
    refused({ presentations: [{ session: 'http://x/y' }] }, /presentations\[0\]\.session/);
    refused({ presentations: [{ session: `scast://x.org/${'a'.repeat(65)}` }] }, /presentations\[0\]\.session/);
    refused({ presentations: [{ session: 'scast://x.org/a', title: '' }] }, /title/);
    refused({ presentations: [{ session: 'scast://x.org/a', title: 'a\nb' }] }, /title/);
    refused({ presentations: [good.presentations[0], { session: 'scast://demo.scattercast/talk' }] }, /twice/);
    refused({ presentations: [{ session: 'scast://a.org/talk' }, { session: 'scast://b.org/talk' }] }, /end alike/);
    refused({ ...good, rendezvous: ['nowhere'] }, /rendezvous\[0\]/);
    refused({ ...good, rendezvous: [] }, /rendezvous/);
    refused({ ...good, smallWidth: 10 }, /smallWidth/);
    refused({ ...good, maxViewers: 0 }, /maxViewers/);
    refused({ ...good, maxViewers: 1.5 }, /maxViewers/);
    refused({ ...good, maxDeckBytes: 100 }, /maxDeckBytes/);
    refused({ ...good, maxObjects: 1 }, /maxObjects/);
  });

  it('round-trips through the node config file', () => {
    const config = nodeConfig({ listen: '127.0.0.1:7400', trust: { insecure: true }, whiteboard: { ...good, rendezvous: ['10.0.0.1:7400'], smallWidth: 500 } }, '/');
    const again = nodeConfig(nodeConfigJson(config), '/');
    assert.deepEqual(again.whiteboard, config.whiteboard);
    assert.equal(whiteboardConfigJson(config.whiteboard!).smallWidth, 500);
  });

  it('refuses unknown keys and wrong types in the section', () => {
    assert.throws(() => nodeConfig({ listen: '127.0.0.1:7400', whiteboard: { ...good, viewers: 1 } } as never, '/'), (err: unknown) => err instanceof ScError && err.code === ErrorCode.CONFIG_UNKNOWN_KEY && /whiteboard\.viewers/.test(err.message));
    assert.throws(() => nodeConfig({ listen: '127.0.0.1:7400', whiteboard: { ...good, smallWidth: '640' } } as never, '/'), (err: unknown) => err instanceof ScError && err.code === ErrorCode.CONFIG_TYPE);
  });
});
