/** Duplicates (or reorderings) and gaps in a delivered sequence of numbers. */
export function sequenceDefects(seqs: readonly number[]): { duplicates: number; gaps: number } {
  let duplicates = 0;
  let gaps = 0;
  for (let k = 1; k < seqs.length; k++) {
    const d = (seqs[k] as number) - (seqs[k - 1] as number);
    if (d <= 0) duplicates++;
    else if (d > 1) gaps++;
  }
  return { duplicates, gaps };
}
