import type { LatencySummary } from './types';

/**
 * Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. Fixed, so
 * that histograms from every replica and every hour add up column by column in the store.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

/** Counts per bucket (LATENCY_BUCKETS_MS.length + 1 of them), plus what the mean needs. */
export interface Histogram {
  readonly counts: number[];
  count: number;
  sumMs: number;
}

export function emptyHistogram(): Histogram {
  return { counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), count: 0, sumMs: 0 };
}

export function observe(h: Histogram, ms: number): void {
  const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && value > (LATENCY_BUCKETS_MS[i] ?? Infinity)) i++;
  h.counts[i] = (h.counts[i] ?? 0) + 1;
  h.count++;
  h.sumMs += value;
}

export function addHistogram(into: Histogram, from: Histogram): void {
  from.counts.forEach((c, i) => (into.counts[i] = (into.counts[i] ?? 0) + c));
  into.count += from.count;
  into.sumMs += from.sumMs;
}

/**
 * A quantile estimated by linear interpolation inside its bucket; the open-ended last bucket
 * answers its lower bound, since nothing is known about how far beyond it the values go.
 */
function quantile(h: Histogram, q: number): number {
  if (h.count === 0) return 0;
  const rank = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i] ?? 0;
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] ?? 0);
      const upper = LATENCY_BUCKETS_MS[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * Math.max(0, rank - seen)) / c;
    }
    seen += c;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] ?? 0;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function summarize(h: Histogram): LatencySummary {
  return { count: h.count, meanMs: h.count === 0 ? 0 : round(h.sumMs / h.count), p50Ms: round(quantile(h, 0.5)), p99Ms: round(quantile(h, 0.99)) };
}
