// Formatting and ordering of values for display: sort orders, ports, rates, times, counts, byte rates, clipping.

// Natural order for addresses (ports ascend numerically); used for layout and menus.
export const natural = (a, b) => a.localeCompare(b, 'en', { numeric: true });

// Plain lexicographic order; used for mesh-edge endpoints.
export const lexical = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// The port part of host:port (works for [v6]:port too).
export const portOf = (address) => address.slice(address.lastIndexOf(':') + 1);

// Whether a value is a usable number.
export const isNum = (n) => typeof n === 'number' && Number.isFinite(n);

// A rate for display: whole numbers from 100 up, one decimal below; '–' if missing.
export const fmtRate = (n) => (!isNum(n) ? '–' : n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));

// Milliseconds rounded to 0.1; '–' if null.
export const fmtMs = (n) => (isNum(n) ? n.toFixed(1) : '–');

// A count with thousands separators; '–' if missing.
export const fmtCount = (n) => (isNum(n) ? Math.round(n).toLocaleString('en') : '–');

// Bytes per second in human units (decimal: B/s, kB/s, MB/s, GB/s).
export function fmtBytes(n) {
  if (!isNum(n)) return '–';
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s'];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return i === 0 ? `${Math.round(n)} B/s` : `${n.toFixed(1)} ${units[i]}`;
}

// Cuts text to `max` characters with an ellipsis.
export const clip = (text, max) => (text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`);
