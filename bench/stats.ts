/** Nearest-rank percentile of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Median of `values` (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The median of `numerators[i] / denominators[i]`: ratios of measurements made back to back (one
 * round of a bench), so that a slow patch of the machine falls on both sides of each ratio. NaN
 * when there are none, the lengths differ, or a denominator is not positive.
 */
export function medianOfRatios(numerators: readonly number[], denominators: readonly number[]): number {
  if (numerators.length === 0 || numerators.length !== denominators.length || denominators.some((d) => !(d > 0))) return Number.NaN;
  return median(numerators.map((n, i) => n / (denominators[i] as number)));
}

/** Rounds to `digits` decimals; keeps the JSON free of float noise such as 0.30000000000000004. */
export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
