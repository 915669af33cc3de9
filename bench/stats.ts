/** Order statistics the benchmarks report. */

/** The median of `xs` (the upper one of an even count). */
export function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** The `p`th percentile of `xs` (nearest rank, 0 <= p <= 100). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
