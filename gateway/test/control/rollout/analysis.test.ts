import { analyzeCanary, combine } from '../../../src/control/rollout/analysis';
import { resolvePlan } from '../../../src/control/rollout/plan';
import { wilson } from '../../../src/control/rollout/wilson';
import { emptyHistogram, observe } from '../../../src/shadow/latency';
import { rolloutTable, ROUTE } from './kit';

describe('the Wilson interval', () => {
  it('matches published values and never leaves [0, 1]', () => {
    const a = wilson(81, 263);
    expect(a.lower).toBeCloseTo(0.2553, 3);
    expect(a.upper).toBeCloseTo(0.3662, 3);
    expect(wilson(200, 200).lower).toBeCloseTo(0.9812, 3);
    expect(wilson(200, 200).upper).toBe(1);
    expect(wilson(0, 10).lower).toBe(0);
    expect(wilson(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it('needs about 380 matching requests before its lower bound reaches 99%', () => {
    expect(wilson(370, 370).lower).toBeLessThan(0.99);
    expect(wilson(390, 390).lower).toBeGreaterThanOrEqual(0.99);
  });
});

describe('the canary analysis', () => {
  const plan = resolvePlan(rolloutTable({ minRequests: 10 }).routes.find((r) => r.id === ROUTE)!, {});
  const side = (requests: number, failures: number, ms = 5) => {
    const latency = emptyHistogram();
    for (let i = 0; i < requests; i++) observe(latency, ms);
    return { requests, failures, latency };
  };

  it('is no-data until both sides have their minimum, unless new already decided it', () => {
    expect(analyzeCanary({ fresh: side(5, 0), legacy: side(50, 0) }, plan, null, new Date()).verdict).toBe('no-data');
    expect(analyzeCanary({ fresh: side(20, 0), legacy: side(3, 0) }, plan, null, new Date()).verdict).toBe('no-data');
    expect(analyzeCanary({ fresh: side(2, 2), legacy: side(3, 0) }, plan, null, new Date()).verdict).toBe('fail');
  });

  it("compares new's failures with legacy's, within the margin", () => {
    expect(analyzeCanary({ fresh: side(100, 5), legacy: side(100, 5) }, plan, null, new Date()).verdict).toBe('pass');
    expect(analyzeCanary({ fresh: side(100, 7), legacy: side(100, 5) }, plan, null, new Date()).verdict).toBe('fail');
  });

  it('combines checks: a fail wins, then no-data, then inconclusive', () => {
    const c = (verdict: 'pass' | 'fail' | 'no-data' | 'inconclusive') => ({ name: 'x', value: null, threshold: null, verdict, detail: '' });
    expect(combine([c('pass'), c('inconclusive'), c('no-data')])).toBe('no-data');
    expect(combine([c('no-data'), c('fail')])).toBe('fail');
    expect(combine([c('pass'), c('inconclusive')])).toBe('inconclusive');
    expect(combine([c('pass')])).toBe('pass');
  });
});

describe('the plan', () => {
  const route = (rollout?: Record<string, unknown>) => rolloutTable(rollout).routes.find((r) => r.id === ROUTE)!;
  it('defaults to 5, 25, 50, 100 every minute with 100 requests a step; routes.json and then the flags override it', () => {
    expect(resolvePlan(route(), {})).toMatchObject({ steps: [5, 25, 50, 100], intervalMs: 60_000, minRequests: 100, pauseAfterNoData: 10, canary: { maxP99Factor: 1.5 }, data: null });
    expect(resolvePlan(route({ steps: [10, 100], interval: '5m', data: { context: 'catalog' } }), {})).toMatchObject({ steps: [10, 100], intervalMs: 300_000, data: { context: 'catalog', maxAgeMs: 86_400_000 } });
    expect(resolvePlan(route({ steps: [10, 100], interval: '5m' }), { steps: [50, 100], intervalMs: 3_000, minRequests: 7 })).toMatchObject({ steps: [50, 100], intervalMs: 3_000, minRequests: 7 });
  });
});
