import { RetryBudget } from '../../src/resilience/retry-budget';
import { manualClock } from '../kit/manual-clock';

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
