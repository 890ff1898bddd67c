import type { Random } from './clock';

/**
 * Exponential backoff with full jitter (the AWS architecture blog's "Full Jitter", Envoy's
 * default): before retry n (0-based) wait a uniformly random time in [0, min(cap, base·2^n)).
 * Full jitter spreads a burst of clients that failed together, so their retries do not arrive
 * together again. Written here rather than taken from cockatiel because its generators read
 * Math.random directly and tests need to inject the random source.
 */
export function fullJitterDelay(retry: number, baseMs: number, capMs: number, random: Random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}
