import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  frameDurationMs,
  frameLength,
  headerBytes,
  layer3Bitrates,
  MAX_FIXED_FRAME_BYTES,
  parseMp3Header,
  sampleRates,
  type Mp3ChannelMode,
  type Mp3Header,
  type Mp3Version,
} from '../../../../src/services/rtp/wire/mp3-header.ts';
import { hex, unhex } from '../../../support/wire.ts';

/** Headers as ffmpeg/LAME wrote them in the fixtures, and what they say. */
const GOLDEN: [string, Partial<Mp3Header>][] = [
  [
    'fffb9064',
    { version: '1', bitrateKbps: 128, sampleRate: 44100, padding: false, crc: false, channelMode: 'joint', channels: 2, samplesPerFrame: 1152, frameBytes: 417, sideInfoBytes: 32 },
  ],
  ['fffb9264', { padding: true, frameBytes: 418 }],
  ['fff380c4', { version: '2', bitrateKbps: 64, sampleRate: 22050, channelMode: 'mono', channels: 1, samplesPerFrame: 576, frameBytes: 208, sideInfoBytes: 9 }],
  ['ffe328c4', { version: '2.5', bitrateKbps: 16, sampleRate: 8000, channelMode: 'mono', frameBytes: 144, sideInfoBytes: 9 }],
  ['fffbc464', { version: '1', bitrateKbps: 224, sampleRate: 48000, frameBytes: 672 }],
  ['fffa9000', { crc: true, channelMode: 'stereo', sideInfoBytes: 32 }],
  ['fffb0080', { bitrateKbps: 0, frameBytes: 0, channelMode: 'dual' }],
  ['fffbe800', { bitrateKbps: 320, sampleRate: 32000, frameBytes: 1440 }],
  ['fffbea00', { frameBytes: MAX_FIXED_FRAME_BYTES }],
  ['ffe3ea00', { version: '2.5', bitrateKbps: 160, sampleRate: 8000, frameBytes: MAX_FIXED_FRAME_BYTES }],
  ['fffb9067', { channelMode: 'joint' }],
];

/** Four bytes that are no Layer III header, and why. */
const REFUSED: [string, string][] = [
  ['bad sync: first byte', 'fefb9064'],
  ['bad sync: 11th bit', 'ffdb9064'],
  ['reserved version 01', 'ffeb9064'],
  ['layer I', 'ffff9064'],
  ['layer II', 'fffd9064'],
  ['reserved layer 00', 'fff99064'],
  ['bitrate index 15', 'fffbf064'],
  ['sample rate index 3', 'fffb9c64'],
  ['emphasis 2', 'fffb9066'],
  ['an ID3 tag', '49443304'],
  ['zeros', '00000000'],
];

describe('MP3 frame header', () => {
  for (const [bytes, expected] of GOLDEN) {
    it(`parses ${bytes}`, () => {
      const h = parseMp3Header(unhex(bytes), 0);
      assert.ok(h, `${bytes} is a header`);
      assert.equal(h.layer, 3);
      for (const [key, value] of Object.entries(expected)) assert.equal(h[key as keyof Mp3Header], value, key);
    });
  }

  for (const [why, bytes] of REFUSED) {
    it(`refuses ${why} (${bytes})`, () => assert.equal(parseMp3Header(unhex(bytes), 0), undefined));
  }

  it('refuses offsets without four bytes behind them, and never throws', () => {
    const b = unhex('00fffb9064');
    assert.equal(parseMp3Header(b, 1)?.bitrateKbps, 128);
    for (const offset of [-1, 2, 4, 5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(parseMp3Header(b, offset), undefined, String(offset));
    for (let n = 0; n < 4; n++) assert.equal(parseMp3Header(unhex('fffb9064').subarray(0, n), 0), undefined);
  });

  it('writes every valid header and reads it back (versions × bitrates × rates × modes × padding × CRC)', () => {
    let count = 0;
    for (const version of ['1', '2', '2.5'] as Mp3Version[]) {
      for (const bitrateKbps of layer3Bitrates(version)) {
        for (const sampleRate of sampleRates(version)) {
          for (const channelMode of ['stereo', 'joint', 'dual', 'mono'] as Mp3ChannelMode[]) {
            for (const padding of [false, true]) {
              for (const crc of [false, true]) {
                const fields = { version, bitrateKbps, sampleRate, channelMode, padding, crc };
                const h = parseMp3Header(headerBytes(fields), 0);
                assert.ok(h, JSON.stringify(fields));
                assert.deepEqual({ version: h.version, bitrateKbps: h.bitrateKbps, sampleRate: h.sampleRate, channelMode: h.channelMode, padding: h.padding, crc: h.crc }, fields);
                assert.equal(h.frameBytes, bitrateKbps === 0 ? 0 : frameLength(version, bitrateKbps, sampleRate, padding));
                assert.ok(h.frameBytes <= MAX_FIXED_FRAME_BYTES);
                count++;
              }
            }
          }
        }
      }
    }
    assert.equal(count, 3 * 15 * 3 * 4 * 2 * 2);
  });

  it('headerBytes throws RangeError on what the tables do not hold', () => {
    const base = { version: '1' as Mp3Version, bitrateKbps: 128, sampleRate: 44100, channelMode: 'joint' as Mp3ChannelMode, padding: false, crc: false };
    assert.equal(hex(headerBytes(base)), 'fffb9040');
    assert.throws(() => headerBytes({ ...base, bitrateKbps: 144 }), RangeError);
    assert.throws(() => headerBytes({ ...base, sampleRate: 22050 }), RangeError);
    assert.throws(() => headerBytes({ ...base, version: '3' as Mp3Version }), RangeError);
    assert.throws(() => headerBytes({ ...base, channelMode: 'surround' as Mp3ChannelMode }), RangeError);
  });

  it('frame durations: 1152 or 576 samples at the sample rate', () => {
    const at = (hexHeader: string): number => frameDurationMs(parseMp3Header(unhex(hexHeader), 0) as Mp3Header);
    assert.equal(at('fffb9064'), 1152_000 / 44100);
    assert.equal(at('fffbc464'), 24);
    assert.equal(at('fff380c4'), 576_000 / 22050);
    assert.equal(at('ffe328c4'), 72);
  });
});
