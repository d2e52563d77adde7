/**
 * The rtp module at one SCX, driven by hand (test/support/rtp-scx.ts): forwarding and its refusals, RTCP aggregation
 * with exact numbers, stale and forged aggregates, and per-link adaptation with the model transcoder.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkTier } from '../../../src/services/rtp/link-tier.ts';
import { rtp, rtpFactory, AUDIO_CLASS, RTCP_CLASS } from '../../../src/services/rtp/rtp.ts';
import { SeqWindow } from '../../../src/services/rtp/seq-window.ts';
import { decodeAggregate } from '../../../src/services/rtp/wire/aggregate.ts';
import { decodeRtp } from '../../../src/services/rtp/wire/rtp-packet.ts';
import { payloadOf } from '../../../src/session/data-header.ts';
import { checkFactory } from '../../../src/transport/registry.ts';
import { mp3FrameKbps, modelTranscoders } from '../../support/model-transcoder.ts';
import { aggregateBytes, rtpData, rtpScx, StationStream } from '../../support/rtp-scx.ts';

/** The source SCX 'S' with children a, b, c; the station's packets arrive on LOCAL_LINK every 26 ms. */
function sourceScx(options = {}) {
  const scx = rtpScx('S', {}, { S: ['a', 'b', 'c'] }, options);
  const station = new StationStream();
  let seq = 0;
  /** The station sends audio until `to` (ms), one frame every 26 ms. */
  const play = (to: number): void => {
    while (scx.clock.now + 26 <= to) {
      scx.advance(scx.clock.now + 26);
      scx.m.onData('local', rtpData('S', seq++, station.audio()));
    }
    scx.advance(to);
  };
  return { ...scx, station, play, nextSeq: () => seq++ };
}

describe('rtp: forwarding', () => {
  it('is a valid factory over UDP, oldest-first drops, RTCP weighted above audio', () => {
    assert.doesNotThrow(() => checkFactory(rtp));
    assert.equal(rtp.dataTransport, 'udp');
    assert.equal(rtp.scheduler?.dropPolicy, 'oldest');
    assert.ok((rtp.scheduler?.weights?.[RTCP_CLASS] ?? 1) > (rtp.scheduler?.weights?.[AUDIO_CLASS] ?? 1));
    assert.throws(() => rtpFactory({ tiersKbps: [64, 128] }), RangeError);
    assert.throws(() => rtpFactory({ dedupWindow: 1000 }), RangeError);
    assert.throws(() => rtpFactory({ recoverLossThreshold: 0.2 }), RangeError);
  });

  it('sends RTP down as audio and RTCP as rtcp, delivers locally, drops duplicates, strangers and garbage', () => {
    const { m, sent, delivered, drops } = rtpScx('R', { S: 'up' }, { S: ['d1', 'd2'] });
    const st = new StationStream();
    m.onData('up', rtpData('S', 0, st.audio()));
    m.onData('up', rtpData('S', 1, st.senderReport('Artist - Title')));
    m.onData('up', rtpData('S', 1, st.senderReport('Artist - Title'))); // duplicate
    m.onData('d1', rtpData('S', 2, st.audio())); // not from the upstream
    m.onData('local', rtpData('S', 3, st.audio())); // a local source naming another SCX
    m.onData('up', rtpData('S', 4, Uint8Array.of(0x80, 0x21, 0, 0))); // a cut RTP header
    m.onData('up', rtpData('S', 5, new Uint8Array(40).fill(0x80))); // RTP of payload type 0
    m.onData('up', rtpData('S', 6, Uint8Array.of(0x81, 200, 0, 9))); // RTCP whose length runs past the packet
    assert.deepEqual(
      sent.map((s) => `${s.link}:${s.packet.header.seq}:${s.trafficClass}`),
      ['d1:0:audio', 'd2:0:audio', 'd1:1:rtcp', 'd2:1:rtcp'],
    );
    assert.equal(delivered.length, 2);
    assert.deepEqual(drops, { duplicate: 1, 'not-upstream': 2, malformed: 3 });
    assert.equal(m.stats.payloadsRefused, 3);
    assert.equal(m.stats.rtcpPackets, 1);
  });

  it('accepts the previous upstream for handoverMs and serves a link that left the tree as long', () => {
    const routes: Record<string, string> = { S: 'up' };
    const down: Record<string, string[]> = { S: ['d1', 'd2'] };
    const scx = rtpScx('R', routes, down, { handoverMs: 500 });
    const st = new StationStream();
    scx.m.onData('up', rtpData('S', 0, st.audio()));
    routes.S = 'up2';
    scx.m.onUpstreamChange('S', 'up2', 'up');
    down.S = ['d1'];
    scx.m.onDownstreamChange('S', ['d1']);
    scx.advance(100);
    scx.m.onData('up', rtpData('S', 1, st.audio())); // the previous upstream, in its handover
    scx.m.onData('up2', rtpData('S', 1, st.audio())); // the same packet from the new one: a duplicate
    scx.advance(600);
    scx.m.onData('up', rtpData('S', 2, st.audio())); // handover over
    scx.m.onData('up2', rtpData('S', 3, st.audio()));
    assert.deepEqual(
      scx.sent.map((s) => `${s.link}:${s.packet.header.seq}`),
      ['d1:0', 'd2:0', 'd1:1', 'd2:1', 'd1:3'],
    );
    assert.deepEqual(scx.drops, { duplicate: 1, 'not-upstream': 1 });
  });

  it('the duplicate window: late packets pass once, older than the window are stale, a far jump restarts', () => {
    const w = new SeqWindow(32);
    assert.deepEqual([10, 12, 11, 11, 12].map((s) => w.accept(s)), ['new', 'new', 'new', 'duplicate', 'duplicate']);
    assert.equal(w.accept(60), 'new');
    assert.equal(w.accept(28), 'stale');
    assert.equal(w.accept(29), 'new');
    assert.equal(w.accept(0x80000000), 'new', 'a jump of 2^31 is a restart');
    assert.equal(w.accept(0x7fffffff), 'new', 'the window starts over there');
    const wrap = new SeqWindow(32);
    assert.deepEqual([0xfffffffe, 1, 0xffffffff, 0xffffffff, 0].map((s) => wrap.accept(s)), ['new', 'new', 'new', 'duplicate', 'new'], 'across the u32 wrap');
  });
});

describe('rtp: RTCP aggregation', () => {
  it('3 children at 10 %/0 %/0 % of equal expected counts: the root says 3.33 % lost and 4 receivers', () => {
    const { m, play, controls, station } = sourceScx();
    play(500);
    for (const [link, f] of [['a', 0.1], ['b', 0], ['c', 0]] as const) m.onControl(link, aggregateBytes(station.ssrc, f, { jitterWorst: 900, jitterMean: link === 'a' ? 900 : 90 }));
    play(1100);
    const root = m.rootReport();
    assert.ok(root);
    assert.equal(root.receivers, 4, 'the three children and the source SCX itself');
    assert.equal(root.subtree.expected, 300);
    assert.equal(root.subtree.lost, 10);
    assert.equal(root.fractionLost.toFixed(4), '0.0333');
    assert.equal(root.jitterWorstMs, 10, '900 ticks at 90 kHz');
    assert.equal(root.subtree.jitterMean, Math.round((900 + 90 + 90 + 0) / 4));
    assert.equal(controls.length, 0, 'the source SCX sends no aggregate: it has no upstream');
    assert.equal(m.stats.aggregatesIn, 3);
  });

  it('an aggregate is forgotten once 3 intervals pass without a newer one', () => {
    const { m, play, station } = sourceScx();
    play(500);
    m.onControl('a', aggregateBytes(station.ssrc, 0.1));
    m.onControl('b', aggregateBytes(station.ssrc, 0));
    play(3000);
    m.onControl('b', aggregateBytes(station.ssrc, 0));
    play(4100);
    assert.equal(m.rootReport()?.receivers, 2, "a's aggregate (from 500 ms) is stale at the report at 4026 ms: b and the source SCX");
    assert.equal(m.rootReport()?.fractionLost, 0);
    assert.equal(m.stats.aggregatesStale, 1);
  });

  it('refuses an aggregate from a link not downstream, about an SSRC not sent, or malformed; never throws', () => {
    const { m, play, station, drops } = sourceScx();
    play(100);
    m.onControl('x', aggregateBytes(station.ssrc, 0.5)); // forged: x is not downstream of S
    m.onControl('local', aggregateBytes(station.ssrc, 0.5));
    m.onControl('a', aggregateBytes(0x1234, 0.5)); // an SSRC S does not send
    m.onControl('a', Uint8Array.of(1, 2, 3));
    m.onControl('a', new Uint8Array(0));
    assert.equal(m.stats.aggregatesRefused, 3);
    assert.equal(m.stats.aggregatesMalformed, 2);
    assert.equal(drops.malformed, 2);
    play(1100);
    assert.equal(m.rootReport()?.receivers, 1);
  });

  it('a relay sends its upstream its own block and its subtree, combined with its children', () => {
    const scx = rtpScx('R', { S: 'up' }, { S: ['d1'] });
    const st = new StationStream();
    for (let i = 0; i < 20; i++) {
      scx.advance(i * 26);
      const payload = st.audio();
      if (i !== 7 && i !== 13) scx.m.onData('up', rtpData('S', i, payload)); // two of 20 lost on the way
    }
    scx.m.onControl('d1', aggregateBytes(st.ssrc, 0, { receivers: 3, expected: 60, lost: 6, jitterWorst: 450, jitterMean: 100 }));
    scx.advance(1000);
    assert.equal(scx.controls.length, 1);
    const c = scx.controls[0]!;
    assert.equal(c.link, 'up');
    const a = decodeAggregate(c.data);
    assert.ok(a.ok);
    assert.equal(a.value.mediaSsrc, st.ssrc);
    // RFC 3550 A.1: the first packet is probation, so 19 packets (seqs 1..19) are expected.
    assert.equal(a.value.own.fractionLost, Math.floor((2 * 256) / 19), 'own: 2 of 19 lost');
    assert.equal(a.value.subtree.receivers, 4);
    assert.equal(a.value.subtree.expected, 79);
    assert.equal(a.value.subtree.lost, 8);
    assert.equal(a.value.subtree.jitterWorst, 450);
    assert.equal(scx.m.stats.aggregatesOut, 1);
  });
});

describe('rtp: adaptation', () => {
  it('a lossy link steps down after 2 reports and gets the stream transcoded; back up after 10 clean ones', () => {
    const { factory, log } = modelTranscoders();
    const { m, play, sent, station } = sourceScx({ transcoders: factory });
    play(200);
    m.onControl('a', aggregateBytes(station.ssrc, 0.1));
    play(400);
    assert.equal(m.stats.tierStepsDown, 0, 'one lossy report is not enough');
    m.onControl('a', aggregateBytes(station.ssrc, 0.1));
    assert.deepEqual(m.linkTiers(), [{ source: 'S', link: 'a', tier: 1, kbps: 64 }]);
    const from = sent.length;
    play(1000);
    const toA = sent.slice(from).filter((s) => s.link === 'a');
    const toB = sent.slice(from).filter((s) => s.link === 'b');
    assert.ok(toB.length >= 20 && toB.every((s) => s.packet.header.source === 'station'), 'b keeps the original');
    const tiered = toA.filter((s) => s.packet.header.source === 'station~64k');
    assert.ok(tiered.length >= 20, `a gets the 64 kbit/s stream (${tiered.length} packets)`);
    assert.ok(toA.findIndex((s) => s.packet.header.source === 'station') < toA.findIndex((s) => s.packet.header.source === 'station~64k'));
    assert.ok(toA.slice(toA.findIndex((s) => s.packet.header.source === 'station~64k')).every((s) => s.packet.header.source === 'station~64k'), 'make-before-break, then the tier only');
    const r = decodeRtp(payloadOf(tiered[0]!.packet));
    assert.ok(r.ok);
    assert.notEqual(r.value.ssrc, station.ssrc, 'a new SSRC');
    assert.equal(mp3FrameKbps(r.value.payload.subarray(4)), 64);
    assert.deepEqual(tiered.map((s) => s.packet.header.seq).slice(0, 3), [0, 1, 2], 'its own data-header sequence');
    assert.deepEqual(log.made, [64]);
    for (let i = 0; i < 9; i++) m.onControl('a', aggregateBytes(station.ssrc, 0));
    assert.equal(m.linkTiers()[0]?.tier, 1, '9 clean reports are not enough');
    m.onControl('a', aggregateBytes(station.ssrc, 0.02));
    for (let i = 0; i < 10; i++) m.onControl('a', aggregateBytes(station.ssrc, 0));
    assert.equal(m.linkTiers()[0]?.tier, 0, 'a report between the thresholds restarts the count; 10 clean ones step up');
    const back = sent.length;
    play(2100);
    const backToA = sent.slice(back).filter((s) => s.link === 'a');
    const firstOriginal = backToA.findIndex((s) => s.packet.header.source === 'station');
    assert.ok(firstOriginal >= 0 && firstOriginal <= 2, 'the original again with the next packet (the tier until then)');
    assert.ok(backToA.slice(firstOriginal).every((s) => s.packet.header.source === 'station'), 'then the original only');
    assert.equal(log.open, 0, 'no link uses the transcoder: closed at the next report');
    assert.deepEqual(m.counters().tierStepsUp, 1);
  });

  it('every link lossy: all share ONE transcoder per tier (the source itself steps down)', () => {
    const { factory, log } = modelTranscoders();
    const { m, play, sent, station } = sourceScx({ transcoders: factory });
    play(100);
    for (let k = 0; k < 2; k++) for (const l of ['a', 'b', 'c']) m.onControl(l, aggregateBytes(station.ssrc, 0.2));
    const from = sent.length;
    play(1100);
    assert.deepEqual(log.made, [64], 'one transcoder for the three links');
    const after = sent.slice(from + 3 * 3);
    assert.ok(after.length > 60 && after.every((s) => s.packet.header.source === 'station~64k'), 'nothing of the original leaves the source SCX');
    assert.deepEqual(m.levels(), { linksLowered: 3, transcodersOpen: 1 });
    for (let k = 0; k < 2; k++) m.onControl('a', aggregateBytes(station.ssrc, 0.2));
    play(1500);
    assert.deepEqual(log.made, [64, 32], 'a at 32 kbit/s gets a transcoder of its own');
  });

  it('RTCP goes to every link whatever its tier; a BYE closes the transcoders', () => {
    const { factory, log } = modelTranscoders();
    const { m, play, sent, station, nextSeq } = sourceScx({ transcoders: factory });
    play(100);
    for (let k = 0; k < 2; k++) m.onControl('a', aggregateBytes(station.ssrc, 0.5));
    play(400);
    assert.equal(log.open, 1);
    const from = sent.length;
    m.onData('local', rtpData('S', nextSeq(), station.senderReport('News')));
    m.onData('local', rtpData('S', nextSeq(), station.bye()));
    assert.deepEqual(
      sent.slice(from).map((s) => `${s.link}:${s.trafficClass}`),
      ['a:rtcp', 'b:rtcp', 'c:rtcp', 'a:rtcp', 'b:rtcp', 'c:rtcp'],
    );
    assert.equal(log.open, 0);
  });

  it('a relay forwards a tier stream as it came, and transcodes it further only for a link that needs less', () => {
    const { factory, log } = modelTranscoders();
    const scx = rtpScx('R', { S: 'up' }, { S: ['d1', 'd2'] }, { transcoders: factory });
    const st = new StationStream(0x64);
    for (let i = 0; i < 60; i++) {
      scx.advance(i * 26);
      scx.m.onData('up', rtpData('S', i, st.audio(), 'station~64k'));
      if (i === 5) for (let k = 0; k < 2; k++) scx.m.onControl('d2', aggregateBytes(st.ssrc, 0.2));
      if (i === 10) assert.deepEqual(log.made, [], 'd2 at tier 1 takes the 64 kbit/s stream as it came');
      if (i === 20) for (let k = 0; k < 2; k++) scx.m.onControl('d2', aggregateBytes(st.ssrc, 0.2));
    }
    assert.deepEqual(log.made, [32], 'only d2 (tier 2) needs a transcoder');
    const names = (link: string): string[] => [...new Set(scx.sent.filter((s) => s.link === link).map((s) => s.packet.header.source))];
    assert.deepEqual(names('d1'), ['station~64k']);
    assert.deepEqual(names('d2'), ['station~64k', 'station~32k']);
    assert.deepEqual(scx.m.linkTiers(), [{ source: 'S', link: 'd2', tier: 2, kbps: 32 }]);
  });

  it('without a transcoder factory adaptation is off, and counted', () => {
    const { m, play, station } = sourceScx();
    play(100);
    for (let k = 0; k < 4; k++) m.onControl('a', aggregateBytes(station.ssrc, 0.3));
    assert.deepEqual(m.linkTiers(), []);
    assert.equal(m.stats.adaptationOff, 4);
  });

  it('a factory that throws: counted, and the link keeps the original (its previous stream)', () => {
    const { m, play, sent, station } = sourceScx({ transcoders: () => { throw new Error('no ffmpeg'); } });
    play(100);
    for (let k = 0; k < 2; k++) m.onControl('a', aggregateBytes(station.ssrc, 0.3));
    const from = sent.length;
    play(600);
    const toA = sent.slice(from).filter((s) => s.link === 'a');
    assert.ok(toA.length >= 15 && toA.every((s) => s.packet.header.source === 'station'));
    assert.equal(m.stats.transcoderErrors, toA.length, 'one try per frame');
  });

  it('a link tier: hysteresis, bounded by the tiers', () => {
    const lt = new LinkTier({ adaptLossThreshold: 0.05, adaptAfterReports: 2, recoverLossThreshold: 0.01, recoverAfterReports: 3 }, 1);
    assert.deepEqual([0.1, 0.03, 0.1, 0.1, 0.1, 0.1].map((f) => lt.observe(f)), [0, 0, 0, -1, 0, 0]);
    assert.equal(lt.tier, 1);
    assert.deepEqual([0, 0, 0.1, 0, 0, 0].map((f) => lt.observe(f)), [0, 0, 0, 0, 0, 1]);
    assert.equal(lt.tier, 0);
  });
});
