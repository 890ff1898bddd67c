import type { Clock } from './clock';

/** How long requests and retries are remembered when judging the budget. */
const WINDOW_MS = 10_000;
const BUCKETS = 10;
const BUCKET_MS = WINDOW_MS / BUCKETS;

/**
 * A retry budget per upstream (Finagle's RetryBudget, Envoy's retry_budget): over the last 10 s,
 * retries may number at most `percent`% of the first tries plus `minPerSecond`·10. Under a total
 * outage the upstream therefore receives at most about (1 + percent/100)× the offered requests
 * (plus the small reserve), instead of (1 + maxRetries)×: retries cannot turn a hiccup into a storm.
 * No library offers this, so it is written here; counts live in ten one-second buckets.
 */
export class RetryBudget {
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  private bucketStart = 0;
  private index = 0;

  constructor(
    private readonly percent: number,
    private readonly minPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.bucketStart = clock();
  }

  /** Counts one first try. */
  request(): void {
    this.rotate();
    this.requests[this.index] = (this.requests[this.index] ?? 0) + 1;
  }

  /** Takes one retry from the budget; false when it is spent (the caller answers with what it has). */
  tryRetry(): boolean {
    this.rotate();
    const allowed = (sum(this.requests) * this.percent) / 100 + (this.minPerSecond * WINDOW_MS) / 1000;
    if (sum(this.retries) + 1 > allowed) return false;
    this.retries[this.index] = (this.retries[this.index] ?? 0) + 1;
    return true;
  }

  /** Clears buckets that have aged out of the window. */
  private rotate(): void {
    const now = this.clock();
    const steps = Math.floor((now - this.bucketStart) / BUCKET_MS);
    if (steps <= 0) return;
    for (let i = 0; i < Math.min(steps, BUCKETS); i += 1) {
      this.index = (this.index + 1) % BUCKETS;
      this.requests[this.index] = 0;
      this.retries[this.index] = 0;
    }
    this.bucketStart += steps * BUCKET_MS;
  }
}

function sum(counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  return total;
}
