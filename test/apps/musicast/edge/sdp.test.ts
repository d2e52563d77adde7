/** The SDP of a mount's multicast stream: RFC 4566 lines with CRLF, text that cannot break out of its line. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_SDP_TEXT, mountSdp } from '../../../../src/apps/musicast/edge/sdp.ts';
import { fcSeed } from '../../../support/wire.ts';

const SEED = fcSeed('sdp.test.ts', 61);

/** Text with line breaks, NULs and any code point, up to past MAX_SDP_TEXT. */
const hostileText = fc.string({ unit: fc.oneof(fc.constantFrom('\r', '\n', '\0', '\r\n'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 260 });

const BASE = { group: '239.255.12.34', port: 5004, ttl: 1, sourceAddress: '10.1.2.3', sessionName: 'Test Station' };

describe('mount SDP', () => {
  it('is the golden text: origin, name, information, group/ttl, one MPA medium, receive-only', () => {
    assert.equal(
      mountSdp({ ...BASE, title: 'Artist - Title', ssrc: 0xdeadbeef }),
      'v=0\r\n' +
        'o=- 3735928559 1 IN IP4 10.1.2.3\r\n' +
        's=Test Station\r\n' +
        'i=Artist - Title\r\n' +
        'c=IN IP4 239.255.12.34/1\r\n' +
        't=0 0\r\n' +
        'm=audio 5004 RTP/AVP 14\r\n' +
        'a=rtpmap:14 MPA/90000\r\n' +
        'a=recvonly\r\n',
    );
  });

  it('without a title or SSRC: no i= line, a session id stable for the group and port; an empty name is one space', () => {
    const a = mountSdp({ ...BASE, sessionName: '' });
    assert.doesNotMatch(a, /^i=/m);
    assert.match(a, /^s= \r$/m);
    const id = /^o=- (\d+) 1 IN IP4 10\.1\.2\.3\r$/m.exec(a)?.[1];
    assert.ok(id !== undefined && Number(id) <= 0xffffffff);
    assert.equal(mountSdp({ ...BASE, title: 'x' }).match(/^o=.*$/m)?.[0], a.match(/^o=.*$/m)?.[0]);
    assert.notEqual(mountSdp({ ...BASE, port: 5006 }).match(/^o=.*$/m)?.[0], a.match(/^o=.*$/m)?.[0]);
  });

  it('strips CR, LF and NUL from the name and title, and cuts them to MAX_SDP_TEXT code points', () => {
    const sdp = mountSdp({ ...BASE, sessionName: 'Evil\r\na=sendonly\0', title: `${'é'.repeat(MAX_SDP_TEXT)}🎵` });
    assert.match(sdp, /^s=Evila=sendonly\r$/m);
    assert.equal(sdp.match(/^i=(.*)\r$/m)?.[1], 'é'.repeat(MAX_SDP_TEXT));
    assert.equal(sdp.split('\r\n').filter((l) => l.startsWith('a=')).length, 2);
  });

  it('any name and title: every line is one of the nine, none holds CR, LF or NUL, and it ends with CRLF', () => {
    fc.assert(
      fc.property(hostileText, fc.option(hostileText, { nil: undefined }), (sessionName, title) => {
        const sdp = mountSdp({ ...BASE, sessionName, title });
        assert.ok(sdp.endsWith('\r\n'));
        const lines = sdp.slice(0, -2).split('\r\n');
        assert.deepEqual(lines.map((l) => l.slice(0, 2)), ['v=', 'o=', 's=', ...(lines.length === 9 ? ['i='] : []), 'c=', 't=', 'm=', 'a=', 'a=']);
        for (const l of lines) assert.doesNotMatch(l, /[\r\n\0]/);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('refuses, with a RangeError, a group or source that is not IPv4, a port, TTL or SSRC out of range', () => {
    assert.throws(() => mountSdp({ ...BASE, group: '239.255.1' }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, group: '239.255.1.1\r\na=x' }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, sourceAddress: 'host.example' }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, port: 0 }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, port: 65536 }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, ttl: 256 }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, ttl: 1.5 }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, ssrc: -1 }), RangeError);
    assert.throws(() => mountSdp({ ...BASE, ssrc: 2 ** 32 }), RangeError);
  });
});
