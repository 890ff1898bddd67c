/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion (k successes in n trials). Unlike the normal
 * approximation it stays inside [0, 1] and does not collapse to a point at 100% or 0%: 200 of 200
 * matching is a lower bound of 98.1%, not 100%. That is what makes "the bound must be ≥ the gate"
 * demand enough traffic before it passes. n = 0: the whole interval [0, 1].
 */
export function wilson(k: number, n: number, z = Z95): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return { lower: Math.max(0, (centre - spread) / denominator), upper: Math.min(1, (centre + spread) / denominator) };
}
