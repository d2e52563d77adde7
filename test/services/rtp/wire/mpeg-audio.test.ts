import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mpegAudioFrame } from '../../../../src/services/rtp/wire/mpeg-audio.ts';
import { unhex } from '../../../support/wire.ts';

/** Frame headers and what they say, computed by hand from ISO 11172-3 / 13818-3 (144 or 72 x bitrate / rate + padding). */
const FRAMES: [string, string, number, number, number, number][] = [
  ['MPEG-1 layer III 128 kbit/s 44.1 kHz (what ffmpeg sends)', 'fffb9064', 417, 1152, 44100, 128],
  ['the same, padded', 'fffb9264', 418, 1152, 44100, 128],
  ['MPEG-1 layer III 320 kbit/s 48 kHz', 'fffbe464', 960, 1152, 48000, 320],
  ['MPEG-2 layer III 64 kbit/s 22.05 kHz', 'fff38064', 208, 576, 22050, 64],
  ['MPEG-2.5 layer III 8 kbit/s 8 kHz', 'ffe31864', 72, 576, 8000, 8],
  ['MPEG-1 layer II 192 kbit/s 48 kHz', 'fffda464', 576, 1152, 48000, 192],
  ['MPEG-1 layer I 32 kbit/s 32 kHz', 'ffff1864', 48, 384, 32000, 32],
  ['MPEG-1 layer I 32 kbit/s 32 kHz, padded (one 4-byte slot)', 'ffff1a64', 52, 384, 32000, 32],
  ['MPEG-2 layer I 256 kbit/s 24 kHz, with CRC', 'fff6e464', 512, 384, 24000, 256],
];

const NOT_FRAMES: [string, string][] = [
  ['free format (bitrate index 0)', 'fffb0064'],
  ['bitrate index 15', 'fffbf064'],
  ['sample rate index 3', 'fffb9c64'],
  ['reserved version', 'ffeb9064'],
  ['reserved layer', 'fff99064'],
  ['no sync', 'fefb9064'],
  ['a sync of 8 bits only', 'ff1b9064'],
  ['three bytes', 'fffb90'],
];

describe('MPEG audio frame header', () => {
  for (const [title, header, frameBytes, samples, sampleRate, bitrateKbps] of FRAMES) {
    it(title, () => assert.deepEqual(mpegAudioFrame(unhex(header)), { frameBytes, samples, sampleRate, bitrateKbps }));
  }
  for (const [title, header] of NOT_FRAMES) it(`none for ${title}`, () => assert.equal(mpegAudioFrame(unhex(header)), undefined));

  it('reads at an offset', () => {
    assert.equal(mpegAudioFrame(unhex('00 fffb9064'), 1)?.frameBytes, 417);
    assert.equal(mpegAudioFrame(unhex('00 fffb90'), 1), undefined);
  });
});
