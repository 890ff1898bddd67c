/**
 * The lower end of the Wilson score interval for a proportion (95% by default): what a match rate
 * is at least, given how many requests it rests on. 990 of 1000 and 99 of 100 are both 99%, but
 * their lower bounds are 98.2% and 94.5%: the sample size is in the number. Null for no sample.
 */
export function wilsonLowerBound(successes: number, total: number, z = 1.959964): number | null {
  if (total <= 0) return null;
  const p = successes / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return Math.max(0, (centre - margin) / (1 + z2 / total));
}
