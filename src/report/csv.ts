import { ScError } from '../core/errors.ts';

/** Error code of a CSV row whose width differs from the header's. */
export const ERR_CSV_SHAPE = 'ERR_CSV_SHAPE';

/** One CSV field: integers exactly, other numbers with up to 6 significant digits, null/NaN empty, quoted as needed. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '';
    if (Number.isSafeInteger(v)) return String(v === 0 ? 0 : v);
    return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  }
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** An RFC 4180 CSV document: CRLF line ends (including after the last row), fields quoted only when needed. */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  const lines = [header.map(csvField).join(',')];
  rows.forEach((row, i) => {
    if (row.length !== header.length) throw new ScError(ERR_CSV_SHAPE, `CSV row ${i} has ${row.length} fields, header has ${header.length}`);
    // A lone empty field is quoted so the record is not read as a blank line.
    lines.push(row.length === 1 && csvField(row[0] ?? null) === '' ? '""' : row.map(csvField).join(','));
  });
  return lines.map((l) => `${l}\r\n`).join('');
}
