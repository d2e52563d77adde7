/**
 * Test harness of the `adu` module: one SCX's module driven by hand through a fake ChannelContext on a virtual
 * clock, recording what it sends (data with its class, control), delivers and drops; and ADU packets as a source
 * SCX stamps them (one data-header seq per packet, per source SCX).
 */

import assert from 'node:assert/strict';
import { AduModule } from '../../../src/services/adu/adu.ts';
import type { AduOptions } from '../../../src/services/adu/options.ts';
import { decodeAduFragment, fragmentAdu, type AduHeader, type AduSpec } from '../../../src/services/adu/wire/adu.ts';
import { ADU_NACK_TYPE, ADU_UNAVAILABLE_TYPE, decodeSlideRanges, decodeSummary, seqsOf, SUMMARY_TYPE } from '../../../src/services/adu/wire/control.ts';
import { decodeClientInterest, INTEREST_TYPE } from '../../../src/services/adu/wire/interest.ts';
import { encodeDataPacket, type DataPacket } from '../../../src/session/data-header.ts';
import type { LinkId } from '../../../src/transport/service-module.ts';
import { fakeChannel } from '../../support/fake-channel.ts';
import { advanceClock } from '../../support/virtual-clock.ts';

/** The decoded header of an ADU data packet. */
export function headerOf(p: DataPacket): AduHeader {
  const d = decodeAduFragment(p.bytes.subarray(p.payloadOffset));
  if (!d.ok) assert.fail(`not an ADU fragment: ${d.code} ${d.reason}`);
  return d.value.header;
}

/** A fragment as `object.version#fragment` (reliable: `@slideSeq` too), for readable assertions. */
export function label(p: DataPacket): string {
  const h = headerOf(p);
  return `${h.object}.${h.version}#${h.fragment}${h.slideSeq > 0 ? `@${h.slideSeq}` : ''}`;
}

/** A control message sent, decoded to a line: `N talk/1 2,3`, `U talk/1 2`, `S talk/1=5 talk/2=3`, `I talk 1,2`. */
export function controlText(data: Uint8Array): string {
  if (data[0] === ADU_NACK_TYPE || data[0] === ADU_UNAVAILABLE_TYPE) {
    const d = decodeSlideRanges(data, data[0]);
    assert.ok(d.ok);
    return `${data[0] === ADU_NACK_TYPE ? 'N' : 'U'} ${d.value.presentation}/${d.value.slide} ${seqsOf(d.value.ranges).join(',')}`;
  }
  if (data[0] === SUMMARY_TYPE) {
    const d = decodeSummary(data);
    assert.ok(d.ok);
    return `S ${d.value.entries.map((e) => `${e.presentation}/${e.slide}=${e.highest}`).join(' ')}`;
  }
  if (data[0] === INTEREST_TYPE) {
    const d = decodeClientInterest(data);
    assert.ok(d.ok);
    return `I ${d.value.presentation} ${d.value.slides.join(',')}`;
  }
  return `? ${Buffer.from(data).toString('hex')}`;
}

/**
 * One SCX `self` whose upstream for each source is `upstream[source]` and downstream links `downstream[source]`
 * (by default X below P for source S, above D and E; X is its own source, above D, E and P).
 */
export function aduScx(options: AduOptions = {}, topology: { self?: string; upstream?: Record<string, LinkId>; downstream?: Record<string, LinkId[]> } = {}) {
  const self = topology.self ?? 'X';
  const upstream: Record<string, LinkId> = topology.upstream ?? { S: 'P' };
  const downstream: Record<string, LinkId[]> = topology.downstream ?? { S: ['D', 'E'], [self]: ['D', 'E', 'P'] };
  const { ctx, clock, sent, controls, delivered, drops } = fakeChannel(self, upstream, downstream);
  const m = new AduModule(ctx, options);
  /** Moves the clock to `to`, running every deadline met on the way. */
  const advance = (to: number): void => advanceClock(clock, to, (at) => m.handleTimeout(at));
  const headerSeqs = new Map<string, number>();
  /** The packets of one ADU from source SCX `sourceScx` (the next data-header seqs of that source). */
  const packets = (sourceScx: string, spec: AduSpec, bodyBytes: number, firstSeq: number): DataPacket[] =>
    fragmentAdu(spec, new Uint8Array(bodyBytes).fill(spec.object & 0xff), firstSeq).map((payload) => {
      const seq = headerSeqs.get(sourceScx) ?? 0;
      headerSeqs.set(sourceScx, seq + 1);
      return encodeDataPacket({ sessionId: new Uint8Array(16), channel: 1, seq, timestampMs: 0, source: 'presenter', sourceScx }, payload);
    });
  /** Lines of the control messages sent to `link` (all links when omitted), and clears them when `clear`. */
  const controlsTo = (link?: LinkId, clear = false): string[] => {
    const out = controls.filter((c) => link === undefined || c.link === link).map((c) => controlText(c.data));
    if (clear) controls.length = 0;
    return out;
  };
  /** The data sent as `link:label/class` lines, and clears them. */
  const takeSent = (): string[] => sent.splice(0).map((s) => `${s.link}:${label(s.packet)}/${s.trafficClass}`);
  /** The fragments delivered as labels, and clears them. */
  const takeDelivered = (): string[] => delivered.splice(0).map(label);
  return { m, ctx, clock, sent, controls, delivered, drops, advance, packets, controlsTo, takeSent, takeDelivered, upstream, downstream };
}

/** A reliable ADU of presentation `talk` on `slide`, object `object` at `version` (more fields in `more`). */
export function spec(slide: number, object: number, version = 1, more: Partial<AduSpec> = {}): AduSpec {
  return { presentation: 'talk', slide, object, version, kind: 2, reliability: 'reliable', ...more };
}
