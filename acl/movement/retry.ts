/**
 * Retries with exponential backoff and full jitter: a service that restarts, or several backfills
 * hitting it together, must not be hammered in lockstep.
 */
export interface RetryOptions {
  /** Total attempts, the first included (default 5). */
  readonly attempts?: number;
  /** First delay in ms before jitter (default 250); doubles per attempt. */
  readonly baseDelayMs?: number;
  /** Cap of one delay (default 5000). */
  readonly maxDelayMs?: number;
  /** Told before each wait, so the caller can report it. */
  readonly onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
  /** Injected for tests. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(run: () => Promise<T>, isRetryable: (err: unknown) => boolean, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 5000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      // Half fixed, half random: never zero, never in lockstep.
      const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
      options.onRetry?.(attempt, delay, err);
      await sleep(delay);
    }
  }
}
