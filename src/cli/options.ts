import { ErrorCode, ScError } from '../core/errors.ts';

/** Parses an integer flag within [min, max]; a clear usage error otherwise. */
export function intFlag(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
      throw new ScError(ErrorCode.USAGE, `${name} must be an integer ${range}, got '${value}'`);
    }
    return n;
  };
}

/** Parses a number flag within [min, max]. */
export function numberFlag(name: string, min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
      throw new ScError(ErrorCode.USAGE, `${name} must be a number ${range}, got '${value}'`);
    }
    return n;
  };
}

/** Parses `--degree k1,k2` (k2 > k1 >= 1). */
export function degreeFlag(value: string): [number, number] {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  const k1 = Number(m?.[1]);
  const k2 = Number(m?.[2]);
  if (!m || k1 < 1 || k2 <= k1) {
    throw new ScError(ErrorCode.USAGE, `--degree must be k1,k2 with k2 > k1 >= 1 (the paper's <3,4> is 3,4), got '${value}'`);
  }
  return [k1, k2];
}
