/** How often and how patiently the saga retries a step that must eventually happen (a commit, a compensation). */
export interface RetryPolicy {
  /** Tries in all, the first included; when they are spent the saga is marked stuck. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * The wait before try `attempt` (2 for the first retry): exponential, capped, with "full jitter"
 * over its upper half, so that sagas failing together (inventory went down under all of them)
 * do not come back together. `random` is injected for tests.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A wait that a stop cuts short (resolves false when aborted). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
