/**
 * Layered transmission in the daemon, on loopback: node 0's uplink is paced at 1 Mbit/s (config `uplinks`), the
 * channel is `layered`, and a sender at node 0 sends 4 layers of about 340 kbit/s each (1.36 Mbit/s). The link
 * carries the base and as many enhancement layers as fit (two whole layers: 3 x 340 kbit/s is over the rate), base
 * first: the receiver at node 1 gets every base-layer packet once the link has adapted, and the top layer is shed.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attachChannel } from '../../src/client/channel-client.ts';
import { askFrontend } from '../../src/client/frontend-client.ts';
import { payloadOf } from '../../src/session/data-header.ts';
import { layerPayload } from '../../src/services/layered/layer.ts';
import { pacedPair, type PacedPair } from '../support/paced-pair.ts';

const NAME = 'scast://test.scattercast/layered';
const RATE_KBPS = 1000;
const LAYERS = 4;
/** Packets/s of each layer, and their payload bytes: about 340 kbit/s a layer on the wire. */
const PER_SECOND = 40;
const PAYLOAD = 1000;
const SEND_MS = 14_000;
/** The receiver is judged on what the sender sent from here on, ms after it started (the link adapts first). */
const JUDGE_FROM_MS = 6000;

describe('layered transmission in the daemon over a paced 1 Mbit/s uplink', { timeout: 90_000 }, () => {
  let pair: PacedPair;

  before(async () => {
    pair = await pacedPair(NAME, 'layered', RATE_KBPS);
  });

  after(async () => {
    await pair.stop();
  });

  it('delivers every base-layer packet and sheds the top layer', async (t) => {
    const toReceiver = await askFrontend(pair.frontends[1] as string, NAME, { announcement: pair.announcement });
    const toSender = await askFrontend(pair.frontends[0] as string, NAME, { announcement: pair.announcement });
    // Each payload names its layer (the layer byte) and its sending round (4 bytes after it).
    const got = Array.from({ length: LAYERS }, () => new Set<number>());
    const receiver = attachChannel(toReceiver, 1, 'receive', (p) => {
      const payload = payloadOf(p);
      (got[payload[0] as number] as Set<number>).add(Buffer.from(payload).readUInt32BE(1));
    });
    const sender = attachChannel(toSender, 1, 'send');
    await new Promise((r) => setTimeout(r, 1000));
    const started = performance.now();
    let round = 0;
    let judgeFrom = -1;
    while (performance.now() - started < SEND_MS) {
      if (judgeFrom < 0 && performance.now() - started >= JUDGE_FROM_MS) judgeFrom = round;
      const data = Buffer.alloc(PAYLOAD - 1);
      data.writeUInt32BE(round);
      sender.send(Array.from({ length: LAYERS }, (_, layer) => layerPayload(layer, data)));
      round++;
      const due = started + (round * 1000) / PER_SECOND;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    await new Promise((r) => setTimeout(r, 3000));
    sender.close();
    receiver.close();
    const judged = round - judgeFrom;
    const shares = got.map((s) => [...s].filter((r) => r >= judgeFrom && r < round).length / judged);
    t.diagnostic(`rounds ${judgeFrom}..${round - 1}: layers received ${shares.map((s) => `${(s * 100).toFixed(1)}%`).join(' / ')}`);
    assert.equal(shares[0], 1, `the base layer lost ${((1 - (shares[0] as number)) * 100).toFixed(2)}% after adapting`);
    assert.ok((shares[1] as number) > 0.95, `layer 1 got ${shares[1]}: the link carries more than the base`);
    assert.ok((shares[LAYERS - 1] as number) < 0.5, `the top layer got ${shares[LAYERS - 1]}: 4 layers do not fit in ${RATE_KBPS} kbit/s`);
  });
});
