import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { WireCode } from '../../src/core/decoded.ts';
import { decodeHello, encodeHello, type Hello } from '../../src/net/hello.ts';
import { decodedValue, describeWireFormat, fcSeed, hex, textArb, unhex, type GoldenCase } from '../support/wire.ts';

const SEED = fcSeed('hello.test', 0x5ca8);

const ID_SEQ = unhex('000102030405060708090a0b0c0d0e0f');

/** Pinned encodings of every kind (taken from the encoder before it moved onto core/bytes). */
const GOLDEN: GoldenCase<Hello>[] = [
  [{ kind: 'control', from: '10.0.0.1:7400' }, '534358 01 01 0d31302e302e302e313a37343030'],
  [{ kind: 'data', from: 'h:1', sessionId: ID_SEQ, channel: 513 }, '534358 01 02 03683a31 000102030405060708090a0b0c0d0e0f 0201'],
  [
    { kind: 'client', from: 'client-42', sessionId: new Uint8Array(16).fill(0xab), channel: 1, role: 'receive' },
    '534358 01 03 09636c69656e742d3432 abababababababababababababababab 0001 00',
  ],
  [{ kind: 'client', from: 'c', sessionId: new Uint8Array(16), channel: 0xffff, role: 'send' }, '534358 01 03 0163 00000000000000000000000000000000 ffff 01'],
  [
    'client (send) with a credential',
    { kind: 'client', from: 'c', sessionId: ID_SEQ, channel: 1, role: 'send', credential: 'tok-1' },
    '534358 01 03 0163 000102030405060708090a0b0c0d0e0f 0001 81 05746f6b2d31',
  ],
  [
    'client (receive) with a one-byte credential',
    { kind: 'client', from: 'c', sessionId: ID_SEQ, channel: 2, role: 'receive', credential: '\u00e9' },
    '534358 01 03 0163 000102030405060708090a0b0c0d0e0f 0002 80 02c3a9',
  ],
  [
    'client (send) on the control path with a credential',
    { kind: 'client', from: 'c', sessionId: ID_SEQ, channel: 1, role: 'send', credential: 't', control: true },
    '534358 01 03 0163 000102030405060708090a0b0c0d0e0f 0001 c1 0174',
  ],
];

const DATA_TAIL = '000102030405060708090a0b0c0d0e0f 0201';

const MALFORMED: [string, string, string, RegExp?][] = [
  ['empty input', '', WireCode.TRUNCATED],
  ['an HTTP request', hex(Buffer.from('GET / HTTP/1.1\r\n')), WireCode.MAGIC, /not a scattercast peer/],
  ['wrong magic', '534359 01 01 0161', WireCode.MAGIC],
  ['version 2', '534358 02 01 0161', WireCode.VERSION, /peer speaks protocol version 2, this node 1/],
  ['version 0', '534358 00', WireCode.VERSION],
  ['kind 0', '534358 01 00 0161', WireCode.UNKNOWN_TYPE],
  ['kind 4', '534358 01 04 0161', WireCode.UNKNOWN_TYPE],
  ['empty address', '534358 01 01 00', WireCode.RANGE],
  ['address length past the end', '534358 01 01 ff 6162', WireCode.TRUNCATED],
  ['invalid UTF-8 address', '534358 01 01 02 c328', WireCode.UTF8],
  ['client role 2', `534358 01 03 0163 ${DATA_TAIL} 02`, WireCode.RANGE],
  ['client role 255', `534358 01 03 0163 ${DATA_TAIL} ff`, WireCode.RANGE],
  ['client role 2 with the credential bit', `534358 01 03 0163 ${DATA_TAIL} 82 0161`, WireCode.RANGE],
  ['client role 0x20', `534358 01 03 0163 ${DATA_TAIL} 21`, WireCode.RANGE],
  ['credential bit without a credential', `534358 01 03 0163 ${DATA_TAIL} 81`, WireCode.TRUNCATED],
  ['empty credential', `534358 01 03 0163 ${DATA_TAIL} 81 00`, WireCode.RANGE],
  ['credential length past the end', `534358 01 03 0163 ${DATA_TAIL} 81 05 6162`, WireCode.TRUNCATED],
  ['invalid UTF-8 credential', `534358 01 03 0163 ${DATA_TAIL} 81 02 c328`, WireCode.UTF8],
  ['credential without the credential bit', `534358 01 03 0163 ${DATA_TAIL} 01 0161`, WireCode.TRAILING],
  ['bytes after a credential', `534358 01 03 0163 ${DATA_TAIL} 81 0161 00`, WireCode.TRAILING],
  ['control hello with a session id', `534358 01 01 0163 ${DATA_TAIL}`, WireCode.TRAILING],
  ['data hello with a role', `534358 01 02 0163 ${DATA_TAIL} 00`, WireCode.TRAILING],
];

const kindArb = (from: fc.Arbitrary<string>): fc.Arbitrary<Hello> => {
  const sessionId = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const channel = fc.integer({ min: 0, max: 0xffff });
  const opts = { noNullPrototype: true };
  return fc.oneof(
    fc.record({ kind: fc.constant('control' as const), from }, opts),
    fc.record({ kind: fc.constant('data' as const), from, sessionId, channel }, opts),
    fc.record({ kind: fc.constant('client' as const), from, sessionId, channel, role: fc.constantFrom('receive' as const, 'send' as const) }, opts),
    fc.record(
      { kind: fc.constant('client' as const), from, sessionId, channel, role: fc.constantFrom('receive' as const, 'send' as const), credential: textArb(1, 63) },
      opts,
    ),
  );
};

describeWireFormat('the connection hello', {
  decode: decodeHello,
  encode: encodeHello,
  golden: GOLDEN,
  title: (hello) => `${hello.kind}${hello.kind === 'client' ? ` (${hello.role})` : ''}`,
  malformed: MALFORMED,
  trailing: true,
  arbitrary: kindArb(textArb(1, 63)),
  seed: SEED,
  value: 'hello',
  packets: 'hellos',
  extra: () => {
    it('copies the session id out of the frame', () => {
      const frame = unhex(GOLDEN[1]![1] as string);
      const h = decodedValue(decodeHello(frame));
      frame.fill(0);
      assert.ok(h.kind === 'data' && hex(h.sessionId) === hex(ID_SEQ));
    });

    it('refuses to encode what it could not decode', () => {
      const bad: Hello[] = [
        { kind: 'control', from: '' },
        { kind: 'control', from: 'x'.repeat(256) },
        { kind: 'control', from: 'a\uD800' },
        { kind: 'data', from: 'h:1', sessionId: new Uint8Array(17), channel: 1 },
        { kind: 'data', from: 'h:1', sessionId: ID_SEQ, channel: 65536 },
        { kind: 'client', from: 'c', sessionId: ID_SEQ, channel: 1, role: 'watch' as 'send' },
        { kind: 'client', from: 'c', sessionId: ID_SEQ, channel: 1, role: 'send', credential: '' },
        { kind: 'client', from: 'c', sessionId: ID_SEQ, channel: 1, role: 'send', credential: 'x'.repeat(256) },
      ];
      for (const h of bad) assert.throws(() => encodeHello(h), RangeError, JSON.stringify(h));
    });
  },
});
