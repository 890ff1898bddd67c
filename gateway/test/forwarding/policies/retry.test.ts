import { RetryPolicy } from '../../../src/forwarding/policies/retry';
import { RetryBudget } from '../../../src/resilience/retry-budget';
import { answered, callFor, exchangeFor, failed, gone, held, manualClock, oneRoute, planFor, recordEvents, run, scripted } from '../kit';

describe('RetryPolicy', () => {
  const { table, route } = oneRoute({}, { retry: { maxRetries: 2, baseMs: 10, capMs: 100 } });
  const target = route.new!;
  const setup = (method = 'GET', budget = new RetryBudget(100, 10, manualClock().now)) => {
    const clock = manualClock();
    const events = recordEvents();
    // random() = 0: full jitter waits 0 ms, so a retry is the next timer turn, not a real wait.
    const policy = new RetryPolicy(target.policy, budget, clock.now, () => 0, events);
    const call = callFor(exchangeFor(table, route, target, method).x, planFor(route, target));
    call.deadlineAt = clock.now() + 10_000;
    return { policy, call, events };
  };

  it('tries again after a connect failure or a reset, and answers with the try that worked', async () => {
    const { policy, call, events } = setup();
    const next = scripted(failed('connect'), failed('reset', 'upstream-reset'), answered(200));
    expect(await run(policy, call, next)).toEqual(answered(200));
    expect(next.calls).toBe(3);
    expect(call.retries).toBe(2);
    expect(events.seen).toEqual(['retry fresh', 'retry fresh']);
  });

  it('stops at maxRetries and passes the last failure on', async () => {
    const { policy, call } = setup();
    const next = scripted(failed('connect'));
    expect(await run(policy, call, next)).toMatchObject({ kind: 'failed', failure: 'connect' });
    expect(next.calls).toBe(3);
  });

  it('reads a held 5xx away before trying again, and retries a listed status only', async () => {
    const { policy, call } = setup();
    const first = held(503);
    const next = scripted(first, answered(200));
    expect(await run(policy, call, next)).toEqual(answered(200));
    expect(first.answer.fate).toBe('discarded');
    const other = setup();
    const notListed = held(501);
    expect(await run(other.policy, other.call, scripted(notListed))).toBe(notListed);
    expect(notListed.answer.fate).toBe('pending');
  });

  it("waits out an upstream's short Retry-After before the next try, rather than the jitter's 0 ms", async () => {
    // The wait is a timer: on jest's fake timers it is moved by hand, so the test never waits for real.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      const { policy, call } = setup();
      const next = scripted(held(503, '1'), answered(200));
      const outcome = run(policy, call, next);
      expect(next.calls).toBe(1);
      jest.advanceTimersByTime(999);
      expect(next.calls).toBe(1);
      jest.advanceTimersByTime(1);
      expect(next.calls).toBe(2);
      expect(await outcome).toEqual(answered(200));
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops once the deadline leaves no room for another try, and passes the last failure on', async () => {
    const long = oneRoute({}, { retry: { maxRetries: 9, baseMs: 1, capMs: 2 } });
    const longTarget = long.route.new!;
    const clock = manualClock();
    const policy = new RetryPolicy(longTarget.policy, new RetryBudget(100, 10, clock.now), clock.now, () => 0, recordEvents());
    const call = callFor(exchangeFor(long.table, long.route, longTarget).x, planFor(long.route, longTarget));
    call.deadlineAt = clock.now() + 400;
    // Every try fails 150 ms after it starts: tries at 0, 150 and 300 ms; after the third, the deadline has passed.
    let tries = 0;
    const outcome = await run(policy, call, (_c, done) => {
      tries += 1;
      clock.advance(150);
      done(failed('connect'));
    });
    expect(tries).toBe(3);
    expect(outcome).toMatchObject({ kind: 'failed', failure: 'connect' });
  });

  it('never repeats a write that is not idempotent, nor a timed-out try', async () => {
    const post = setup('POST');
    const next = scripted(failed('connect'), answered(200));
    expect(await run(post.policy, post.call, next)).toMatchObject({ kind: 'failed' });
    expect(next.calls).toBe(1);
    const slow = setup();
    const timedOut = scripted(failed('timeout', 'upstream-timeout'), answered(200));
    expect(await run(slow.policy, slow.call, timedOut)).toMatchObject({ kind: 'failed', failure: 'timeout' });
    expect(timedOut.calls).toBe(1);
  });

  it('stops when the retry budget is spent, and says so', async () => {
    const budget = new RetryBudget(0, 0, manualClock().now);
    const { policy, call, events } = setup('GET', budget);
    expect(await run(policy, call, scripted(failed('connect'), answered(200)))).toMatchObject({ kind: 'failed' });
    expect(events.seen).toEqual(['budget-exhausted fresh']);
  });

  it('a client that leaves during the backoff ends the request without another try', async () => {
    const clock = manualClock();
    const policy = new RetryPolicy(target.policy, new RetryBudget(100, 10, clock.now), clock.now, () => 0.99, recordEvents());
    const call = callFor(exchangeFor(table, route, target).x, planFor(route, target));
    call.deadlineAt = clock.now() + 10_000;
    const next = scripted(failed('connect'), answered(200));
    const outcome = run(policy, call, next);
    call.x.end();
    expect(await outcome).toEqual(gone);
    expect(next.calls).toBe(1);
  });
});
