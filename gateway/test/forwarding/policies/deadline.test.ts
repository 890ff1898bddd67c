import { DeadlinePolicy } from '../../../src/forwarding/policies/deadline';
import { answered, callFor, exchangeFor, failed, manualClock, oneRoute, planFor, recordEvents, run } from '../kit';

describe('DeadlinePolicy', () => {
  const { table, route } = oneRoute();
  const target = route.new!;

  it('sets the call deadline from the clock, before the rest runs', async () => {
    const clock = manualClock(5_000);
    const call = callFor(exchangeFor(table, route, target).x, planFor(route, target));
    let seen = 0;
    await run(new DeadlinePolicy(300, clock.now, recordEvents()), call, (c, done) => {
      seen = c.deadlineAt;
      done(answered(200));
    });
    expect(seen).toBe(5_300);
  });

  it('reports a try that timed out with the deadline spent as the deadline, naming the tries', async () => {
    const clock = manualClock();
    const events = recordEvents();
    const call = callFor(exchangeFor(table, route, target).x, planFor(route, target));
    const outcome = await run(new DeadlinePolicy(300, clock.now, events), call, (c, done) => {
      c.retries = 2;
      clock.advance(300);
      done(failed('timeout', 'upstream-timeout'));
    });
    expect(outcome.kind === 'failed' && outcome.error.message).toBe('upstream "fresh" did not answer within its 300 ms deadline (3 tries)');
    expect(events.seen).toEqual(['deadline fresh']);
  });

  it('leaves a timeout before the deadline as the try reported it, and other outcomes untouched', async () => {
    const clock = manualClock();
    const events = recordEvents();
    const policy = new DeadlinePolicy(300, clock.now, events);
    const early = failed('timeout', 'upstream-timeout');
    const x = exchangeFor(table, route, target).x;
    expect(await run(policy, callFor(x, planFor(route, target)), (_c, done) => done(early))).toBe(early);
    const refusedConnect = failed('connect');
    expect(await run(policy, callFor(x, planFor(route, target)), (_c, done) => done(refusedConnect))).toBe(refusedConnect);
    // A connect timeout is still a timeout the metrics count against the deadline.
    expect(events.seen).toEqual(['deadline fresh']);
  });
});
