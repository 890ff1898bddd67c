import { BreakerPolicy } from '../../../src/forwarding/policies/breaker';
import { Breaker } from '../../../src/resilience/breaker';
import { answered, callFor, exchangeFor, failed, gone, held, manualClock, oneRoute, planFor, recordEvents, run } from '../kit';

const config = { enabled: true, consecutiveFailures: 2, failureRate: 0.99, window: 10, minimumCalls: 10, openMs: 1_000, halfOpenProbes: 1, failureStatuses: [500, 502, 503, 504] };

describe('BreakerPolicy', () => {
  const { table, route } = oneRoute();
  const target = route.new!;
  const call = () => callFor(exchangeFor(table, route, target).x, planFor(route, target));

  it('opens after the failures in a row, then refuses without running the rest, naming when to come back', async () => {
    const clock = manualClock();
    const breaker = new Breaker('fresh', config, clock.now);
    const events = recordEvents();
    const policy = new BreakerPolicy(breaker, config.failureStatuses, events);
    await run(policy, call(), (_c, done) => done(failed('connect')));
    await run(policy, call(), (_c, done) => done(held(503)));
    expect(breaker.state).toBe('open');
    let ran = false;
    const refused = await run(policy, call(), () => (ran = true));
    expect(ran).toBe(false);
    expect(refused).toMatchObject({ kind: 'failed', failure: 'refused', error: { code: 'circuit-open', retryAfterSeconds: 1 } });
    expect(events.seen).toEqual(['circuit-open fresh']);
  });

  it('counts neither a client that left nor an answer outside the failure statuses against the upstream', async () => {
    const breaker = new Breaker('fresh', config, manualClock().now);
    const policy = new BreakerPolicy(breaker, config.failureStatuses, recordEvents());
    await run(policy, call(), (_c, done) => done(failed('reset', 'upstream-reset')));
    await run(policy, call(), (_c, done) => done(gone));
    await run(policy, call(), (_c, done) => done(answered(404)));
    await run(policy, call(), (_c, done) => done(failed('timeout', 'upstream-timeout')));
    // reset, (nothing), success, timeout: the success in between broke the run of failures.
    expect(breaker.state).toBe('closed');
  });

  it('closes again after a successful probe', async () => {
    const clock = manualClock();
    const breaker = new Breaker('fresh', config, clock.now);
    const policy = new BreakerPolicy(breaker, config.failureStatuses, recordEvents());
    for (let i = 0; i < 2; i++) await run(policy, call(), (_c, done) => done(failed('connect')));
    clock.advance(1_000);
    expect(breaker.state).toBe('half-open');
    await run(policy, call(), (_c, done) => done(answered(200)));
    expect(breaker.state).toBe('closed');
  });
});
