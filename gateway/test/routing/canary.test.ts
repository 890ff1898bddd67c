import { BUCKETS, canaryBucket, inCanary } from '../../src/routing/canary';

/** The canary split (issue 5): stable buckets per key, the share honoured, raising it moves nobody back. */

const KEYS = 10_000;
const keys = Array.from({ length: KEYS }, (_, i) => `user-${i}`);

/** The share of the 10,000 keys that land on new, in percentage points. */
const shareInNew = (routeId: string, percent: number) => (keys.filter((k) => inCanary(routeId, k, percent)).length / KEYS) * 100;

describe('canaryBucket', () => {
  it('is a bucket in 0..9999, the same on every call for the same route and key', () => {
    for (const k of keys.slice(0, 500)) {
      const b = canaryBucket('products', k);
      expect(Number.isInteger(b)).toBe(true);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(BUCKETS);
      expect(canaryBucket('products', k)).toBe(b);
    }
  });

  it('spreads keys over the buckets (no decile holds much more than its tenth)', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const k of keys) deciles[Math.floor(canaryBucket('products', k) / 1000)]! += 1;
    // Each decile expects 1,000 keys, sd ≈ 30: ±150 is five sd.
    for (const n of deciles) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('samples each route on its own: the same keys split differently on another route', () => {
    const onA = keys.filter((k) => inCanary('products', k, 10));
    const onBoth = onA.filter((k) => inCanary('orders', k, 10));
    // Independent 10% samples overlap on about 1% of keys (about 10% of onA), not on all of them.
    expect(onBoth.length).toBeLessThan(onA.length * 0.2);
  });
});

describe('inCanary', () => {
  /**
   * 10,000 distinct keys at 10%: the count in new is binomial(10,000, 0.1), sd = sqrt(n·p·(1−p)) = 30
   * keys = 0.3 points. ±1.5 points is five sd: a correct hash practically never fails it, a biased
   * one (say 12% or 8%) always does.
   */
  it.each([
    ['products', 10],
    ['orders', 10],
    ['products', 1],
    ['products', 50],
    ['products', 90],
  ] as const)('route %s at %p%%: the share of 10,000 distinct keys in new is within ±1.5 points', (routeId, percent) => {
    const share = shareInNew(routeId, percent);
    expect(share).toBeGreaterThan(percent - 1.5);
    expect(share).toBeLessThan(percent + 1.5);
  });

  it('raising 10% → 20% moves no key from new back to legacy (and adds about 10 points)', () => {
    const at10 = keys.filter((k) => inCanary('products', k, 10));
    const movedBack = at10.filter((k) => !inCanary('products', k, 20));
    expect(movedBack).toEqual([]);
    const share20 = shareInNew('products', 20);
    expect(share20).toBeGreaterThan(18.5);
    expect(share20).toBeLessThan(21.5);
  });

  it('is monotonic in the percent for every key, in small steps and with two decimals', () => {
    const steps = [0.01, 0.5, 1, 5, 9.99, 10, 10.01, 25, 33.33, 50, 75, 99.99];
    for (const k of keys.slice(0, 2000)) {
      let wasIn = false;
      for (const p of steps) {
        const now = inCanary('products', k, p);
        if (wasIn) expect(now).toBe(true);
        wasIn = now;
      }
    }
  });

  it('the same key always lands on the same side', () => {
    for (const k of keys.slice(0, 200)) {
      const first = inCanary('products', k, 30);
      for (let i = 0; i < 5; i++) expect(inCanary('products', k, 30)).toBe(first);
    }
  });
});
