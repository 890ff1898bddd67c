import http from 'node:http';
import { RetryBudget } from '../../src/resilience/retry-budget';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { manualClock } from '../kit/manual-clock';
import { legacyRoute, startResilienceGateway, type ResilienceStack } from '../kit/resilience-stack';

/** Retries may add at most 20% (plus 10/s for 10 s) to what the upstream receives, whatever maxRetries says. */
describe('the retry budget', () => {
  it('allows 20% of the requests plus the minimum over its window, then refuses', () => {
    const clock = manualClock();
    const budget = new RetryBudget(20, 10, clock.now);
    let retries = 0;
    for (let i = 0; i < 1_000; i += 1) {
      budget.request();
      for (let r = 0; r < 2; r += 1) if (budget.tryRetry()) retries += 1;
    }
    expect(retries).toBe(200 + 100);
  });

  it('forgets requests and retries older than its 10 s window', () => {
    const clock = manualClock();
    const budget = new RetryBudget(0, 1, clock.now);
    for (let i = 0; i < 10; i += 1) expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    clock.advance(5_000);
    expect(budget.tryRetry()).toBe(false);
    clock.advance(5_000);
    expect(budget.tryRetry()).toBe(true);
  });
});

describe('a 100% failing upstream under 1,000 requests', () => {
  let upstream: TestUpstream;
  let gw: ResilienceStack;
  beforeAll(async () => {
    upstream = await startUpstream((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    // The breaker is off so that every request reaches the retry decision: only the budget holds.
    gw = await startResilienceGateway(
      { app: { url: upstream.url, breaker: { enabled: false }, retry: { maxRetries: 3, baseMs: 1, capMs: 2 } } },
      [legacyRoute('things', '/things/*', 'app')],
    );
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('receives at most 1.2× the requests plus the minimum (10/s over 10 s)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const one = () =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: gw.port, path: '/things/1', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    const statuses = await Promise.all(Array.from({ length: 1_000 }, one));
    agent.destroy();
    expect(statuses.every((s) => s === 503)).toBe(true);
    expect(upstream.seen.length).toBeGreaterThan(1_000);
    expect(upstream.seen.length).toBeLessThanOrEqual(1.2 * 1_000 + 100);
  });
});
