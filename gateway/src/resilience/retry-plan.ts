import { fullJitterDelay } from './backoff';
import type { Random } from './clock';
import { retryAfterMs } from './retry-after';
import type { RetryBudget } from './retry-budget';
import type { RetryConfig } from '../config/resilience-schema';

/** A failed try as the retry decision sees it. */
export interface FailedTry {
  readonly kind: 'connect' | 'reset' | 'timeout' | 'status';
  readonly status?: number;
  readonly retryAfter?: string | string[];
}

export interface RetryContext {
  readonly config: RetryConfig;
  /** Retries already made for this request. */
  readonly retries: number;
  /** False for a method that is not idempotent, or a body already streamed away. */
  readonly repeatable: boolean;
  /** Milliseconds left of the deadline. */
  readonly remainingMs: number;
  readonly budget: RetryBudget;
  readonly random: Random;
  /** Wall-clock now, for a Retry-After given as a date. */
  readonly nowEpochMs: number;
}

export type RetryPlan =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly why: 'not-repeatable' | 'exhausted' | 'not-retryable' | 'retry-after-too-long' | 'deadline' | 'budget' };

/**
 * Whether to try again, and after how long. Only connect failures, resets and the configured
 * statuses are retried (a try that timed out waiting for its answer is not: the upstream is slow,
 * and a second copy would add load to it). An upstream's Retry-After is honoured when short and
 * makes the failure pass through when long. The budget is asked last, so only a retry that will
 * really be made spends it.
 */
export function planRetry(failed: FailedTry, c: RetryContext): RetryPlan {
  if (!c.repeatable) return { retry: false, why: 'not-repeatable' };
  if (c.retries >= c.config.maxRetries) return { retry: false, why: 'exhausted' };
  const retryable = failed.kind === 'connect' || failed.kind === 'reset' || (failed.kind === 'status' && failed.status !== undefined && c.config.onStatus.includes(failed.status));
  if (!retryable) return { retry: false, why: 'not-retryable' };
  let delayMs = fullJitterDelay(c.retries, c.config.baseMs, c.config.capMs, c.random);
  const asked = failed.kind === 'status' ? retryAfterMs(failed.retryAfter, c.nowEpochMs) : undefined;
  if (asked !== undefined) {
    if (asked > c.config.maxRetryAfterMs) return { retry: false, why: 'retry-after-too-long' };
    delayMs = Math.max(delayMs, asked);
  }
  if (delayMs >= c.remainingMs) return { retry: false, why: 'deadline' };
  if (!c.budget.tryRetry()) return { retry: false, why: 'budget' };
  return { retry: true, delayMs };
}
