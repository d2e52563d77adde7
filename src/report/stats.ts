/** Summary of a sample: mean with its 95% Student-t confidence interval, median, spread and range. */
export interface Summary { n: number; mean: number; median: number; sd: number; lo95: number; hi95: number; min: number; max: number }

/** t(0.975, df) for df = 1..30, to 4 decimals. */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];
/** The standard normal 0.975 quantile. */
const Z975 = 1.959963984540054;

/** The 0.975 quantile of Student's t with df degrees of freedom (table to df 30, then a Cornish-Fisher series, error < 1e-7). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  const d = Math.floor(df);
  const tabled = T975[d - 1];
  if (tabled !== undefined) return tabled;
  const z = Z975;
  const z2 = z * z;
  const g1 = (z2 * z + z) / 4;
  const g2 = (5 * z2 ** 2 * z + 16 * z2 * z + 3 * z) / 96;
  const g3 = (3 * z2 ** 3 * z + 19 * z2 ** 2 * z + 17 * z2 * z - 15 * z) / 384;
  const g4 = (79 * z2 ** 4 * z + 776 * z2 ** 3 * z + 1482 * z2 ** 2 * z - 1920 * z2 * z - 945 * z) / 92160;
  return z + g1 / d + g2 / d ** 2 + g3 / d ** 3 + g4 / d ** 4;
}

/** The finite values of xs, sorted ascending. */
function sortedFinite(xs: number[]): number[] {
  return xs.filter(Number.isFinite).sort((a, b) => a - b);
}

function medianOfSorted(s: number[]): number {
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Summarises the finite values of xs (n counts only those); sd is the sample sd (0 for n = 1); all NaN for n = 0. */
export function summarise(xs: number[]): Summary {
  const s = sortedFinite(xs);
  const n = s.length;
  if (n === 0) return { n: 0, mean: NaN, median: NaN, sd: NaN, lo95: NaN, hi95: NaN, min: NaN, max: NaN };
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const ss = s.reduce((a, b) => a + (b - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const half = n > 1 ? tQuantile975(n - 1) * (sd / Math.sqrt(n)) : 0;
  return { n, mean, median: medianOfSorted(s), sd, lo95: mean - half, hi95: mean + half, min: s[0] as number, max: s[n - 1] as number };
}

/**
 * A distribution-free 95% CI of the median of the finite values of xs: order statistics x(k) and x(n+1-k) with k the
 * largest rank such that P(Binomial(n, 1/2) < k) <= 0.025; coverage is the exact confidence. Undefined for n < 6.
 */
export function medianCi95(xs: number[]): { lo: number; hi: number; coverage: number } | undefined {
  const s = sortedFinite(xs);
  const n = s.length;
  if (n < 6) return undefined;
  // Walk the Binomial(n, 1/2) CDF in log space (0.5^n underflows for n > 1074).
  let logPmf = -n * Math.LN2;
  let cdf = 0;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const next = cdf + Math.exp(logPmf);
    if (next > 0.025) break;
    cdf = next;
    k = j + 1;
    logPmf += Math.log((n - j) / (j + 1));
  }
  // For n >= 6, P(B <= 0) = 2^-n <= 1/64, so k >= 1.
  return { lo: s[k - 1] as number, hi: s[n - k] as number, coverage: 1 - 2 * cdf };
}
