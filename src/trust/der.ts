/** The few DER (ASN.1) encodings an X.509 certificate needs (X.690): tag, length, contents. */

/** One DER value: its tag byte and contents. */
export function der(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.of(n);
  else if (n < 0x100) len = Buffer.of(0x81, n);
  else if (n < 0x10000) len = Buffer.of(0x82, n >> 8, n & 0xff);
  else throw new RangeError(`a DER value of ${n} bytes is larger than a certificate needs`);
  return Buffer.concat([Buffer.of(tag), len, body]);
}

export const sequence = (...items: Uint8Array[]): Buffer => der(0x30, ...items);
export const set = (...items: Uint8Array[]): Buffer => der(0x31, ...items);
export const utf8String = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));
export const octetString = (b: Uint8Array): Buffer => der(0x04, b);
/** A BIT STRING of whole bytes (no unused bits). */
export const bitString = (b: Uint8Array): Buffer => der(0x03, Buffer.of(0), b);
/** A context-specific constructed tag [n] (EXPLICIT). */
export const explicit = (n: number, ...items: Uint8Array[]): Buffer => der(0xa0 | n, ...items);

/** A non-negative INTEGER from big-endian bytes (a leading zero added when the top bit is set). */
export function integer(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = Buffer.from(bytes.subarray(i));
  return der(0x02, (b[0] as number) & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [(a as number) * 40 + (b as number)];
  for (const v of rest) {
    const groups = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  }
  return der(0x06, Uint8Array.from(out));
}

/** A GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 asks for dates from 2050 on and allows before. */
export function generalizedTime(d: Date): Buffer {
  const iso = d.toISOString();
  return der(0x18, Buffer.from(`${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`, 'ascii'));
}
