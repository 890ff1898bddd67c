import { fullJitterDelay } from '../../src/resilience/backoff';
import { retryAfterMs } from '../../src/resilience/retry-after';

/** Full jitter: retry n waits in [0, min(cap, base·2^n)); the random source is injected, so the bounds are exact. */
describe('backoff with full jitter (base 25 ms, cap 250 ms)', () => {
  it.each([
    [0, 25],
    [1, 50],
    [2, 100],
    [3, 200],
    [4, 250],
    [10, 250],
  ])('retry %i waits within [0, %i)', (retry, ceiling) => {
    expect(fullJitterDelay(retry, 25, 250, () => 0)).toBe(0);
    expect(fullJitterDelay(retry, 25, 250, () => 0.5)).toBe(Math.floor(ceiling / 2));
    const highest = fullJitterDelay(retry, 25, 250, () => 0.999_999);
    expect(highest).toBeLessThan(ceiling);
    expect(highest).toBeGreaterThanOrEqual(ceiling - 1);
  });

  it('stays within the bounds for many draws of a seeded source', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 1_000; i += 1) {
      const retry = i % 6;
      const d = fullJitterDelay(retry, 25, 250, random);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(250, 25 * 2 ** retry));
    }
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
