/**
 * Hostile input to the rtp module: 100,000 seeded data payloads and control messages (garbage, cut and valid-looking
 * RTP, RTCP and aggregates naming random sources, streams, SSRCs and links) never throw, and every kind of state the
 * module holds stays under its bound.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/core/random.ts';
import { MPA_PAYLOAD_TYPE } from '../../../src/services/rtp/wire/mpa.ts';
import { encodeRtcp } from '../../../src/services/rtp/wire/rtcp.ts';
import { encodeRtp } from '../../../src/services/rtp/wire/rtp-packet.ts';
import { modelTranscoders, mp3Frame } from '../../support/model-transcoder.ts';
import { aggregateBytes, rtpData, rtpScx } from '../../support/rtp-scx.ts';
import { testSeed } from '../../support/seed.ts';

const MESSAGES = 100_000;
const DOWN = ['d1', 'd2', 'd3'];

describe('rtp: bounded under hostile input', () => {
  it('100,000 seeded garbage payloads and control messages: no throw, state within its bounds', (t) => {
    const rng = new Random(testSeed(t, 1414));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;
    const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.nextUint32() & 0xff);
    const sources = Array.from({ length: 200 }, (_, i) => `scx${i}:7400`);
    const upstream = Object.fromEntries(sources.map((s) => [s, 'up']));
    const downstream = Object.fromEntries(sources.map((s) => [s, DOWN]));
    const { factory, log } = modelTranscoders();
    const o = { maxSources: 16, maxStreams: 4, maxSsrcs: 4, transcoders: factory, sourceIdleMs: 20_000 };
    const { m, advance, clock } = rtpScx('R', upstream, downstream, o);
    const ssrcs = Array.from({ length: 40 }, () => rng.nextUint32());
    const payload = (): Uint8Array => {
      switch (Math.floor(rng.next() * 5)) {
        case 0:
          return bytes(Math.floor(rng.next() * 64));
        case 1: {
          const frame = rng.next() < 0.5 ? mp3Frame(128) : bytes(20 + Math.floor(rng.next() * 200));
          const p = Uint8Array.of(0, 0, 0, 0, ...frame);
          return encodeRtp({ payloadType: MPA_PAYLOAD_TYPE, marker: false, seq: rng.nextUint32() & 0xffff, timestamp: rng.nextUint32(), ssrc: pick(ssrcs), csrcs: [], payload: p });
        }
        case 2:
          return encodeRtcp([{ type: 'RR', ssrc: pick(ssrcs), reports: [] }, { type: 'BYE', ssrcs: [pick(ssrcs)] }]);
        case 3: {
          const b = encodeRtp({ payloadType: MPA_PAYLOAD_TYPE, marker: false, seq: 1, timestamp: 1, ssrc: pick(ssrcs), csrcs: [], payload: Uint8Array.of(0, 0, 0, 0, ...mp3Frame(128)) });
          return b.subarray(0, Math.floor(rng.next() * b.length));
        }
        default:
          return Uint8Array.of(0x80 | (rng.nextUint32() & 0x3f), pick([200, 201, 202, 203, 204, 14]), ...bytes(Math.floor(rng.next() * 40)));
      }
    };
    const control = (): Uint8Array => {
      if (rng.next() < 0.5) return bytes(Math.floor(rng.next() * 100));
      return aggregateBytes(pick(ssrcs), rng.next() * 0.3, { receivers: rng.nextUint32(), expected: rng.nextUint32(), lost: 0, jitterWorst: rng.nextUint32() });
    };
    let seq = 0;
    const most = { sources: 0, streams: 0, ssrcs: 0, links: 0, children: 0, transcoders: 0 };
    for (let n = 0; n < MESSAGES; n++) {
      if (n % 500 === 0) {
        const h = m.heldState();
        const now = { sources: m.trackedSources, streams: h.streams, ssrcs: h.ssrcs, links: h.links, children: h.children, transcoders: log.open };
        for (const k of Object.keys(most) as Array<keyof typeof most>) most[k] = Math.max(most[k], now[k]);
      }
      advance(clock.now + Math.floor(rng.next() * 4));
      if (rng.next() < 0.6) {
        const source = rng.next() < 0.3 ? pick(['station', 'station~64k', 'station~32k', `x${n}`]) : 'station';
        const from = rng.next() < 0.9 ? 'up' : pick(DOWN);
        m.onData(from, rtpData(pick(sources), rng.next() < 0.5 ? seq++ : rng.nextUint32(), payload(), source));
      } else {
        m.onControl(pick([...DOWN, 'up', 'stranger', 'local']), control());
      }
    }
    t.diagnostic(`most held during ${MESSAGES} messages (sampled every 500): ${JSON.stringify(most)}; counters ${JSON.stringify(m.counters())}`);
    assert.ok(most.sources <= o.maxSources && most.sources > 0);
    assert.ok(most.streams <= o.maxSources * o.maxStreams);
    assert.ok(most.ssrcs <= o.maxSources * o.maxSsrcs);
    assert.ok(most.links <= o.maxSources * DOWN.length && most.children <= o.maxSources * DOWN.length);
    assert.ok(most.transcoders <= o.maxSources * o.maxStreams * 2, 'at most streams x lower tiers transcoders');
    advance(clock.now + 60_000);
    const c = m.counters();
    assert.ok((c.payloadsRefused ?? 0) > 10_000 && (c.aggregatesMalformed ?? 0) > 10_000, 'garbage was refused and counted');
    assert.ok((c.sourcesRefused ?? 0) > 0, 'sources past maxSources were refused');
    assert.equal(m.trackedSources, 0, 'an idle minute later everything is forgotten');
    assert.equal(log.open, 0, 'and every transcoder closed');
  });
});
