/** One figure of `bench:transport`: what was measured, its goal, and whether it met it (undefined: reported only). */
export interface Row {
  readonly figure: string;
  readonly value: string;
  readonly goal: string;
  readonly pass: boolean | undefined;
}
