import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ScError } from '../../src/core/errors.ts';
import { ERR_CSV_SHAPE, csvField, toCsv } from '../../src/report/csv.ts';

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends', () => {
    assert.equal(toCsv(['a', 'b'], [[1, 'x'], [2, 'y']]), 'a,b\r\n1,x\r\n2,y\r\n');
  });

  it('quotes fields with commas, quotes, CR or LF and doubles inner quotes (RFC 4180)', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField('plain text'), 'plain text');
    assert.equal(toCsv(['name, full', 'q"'], [['x', 'y']]), '"name, full","q"""\r\nx,y\r\n');
  });

  it('prints numbers with up to 6 significant digits, integers exactly', () => {
    assert.equal(csvField(1 / 3), '0.333333');
    assert.equal(csvField(2 / 3), '0.666667');
    assert.equal(csvField(123456.789), '123457');
    assert.equal(csvField(0.5), '0.5');
    assert.equal(csvField(1e-9 / 3), '3.33333e-10');
    assert.equal(csvField(42), '42');
    assert.equal(csvField(1234567), '1234567');
    assert.equal(csvField(-0), '0');
    assert.equal(csvField(-2.5), '-2.5');
  });

  it('writes null and NaN as empty fields', () => {
    assert.equal(toCsv(['a', 'b', 'c'], [[null, NaN, 1]]), 'a,b,c\r\n,,1\r\n');
    assert.equal(toCsv(['only'], [[null]]), 'only\r\n""\r\n');
  });

  it('rejects a row whose width differs from the header', () => {
    assert.throws(() => toCsv(['a', 'b'], [[1]]), (e: unknown) => e instanceof ScError && e.code === ERR_CSV_SHAPE);
  });
});
