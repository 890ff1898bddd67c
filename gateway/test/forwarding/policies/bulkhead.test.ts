import { BulkheadPolicy } from '../../../src/forwarding/policies/bulkhead';
import type { Call, Done, Outcome } from '../../../src/forwarding/policy';
import { Bulkhead } from '../../../src/resilience/bulkhead';
import { answered, callFor, exchangeFor, gone, manualClock, oneRoute, planFor, recordEvents, run } from '../kit';

/** cockatiel counts a slot back once the execution's promise settles: after the current microtasks. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BulkheadPolicy', () => {
  const { table, route } = oneRoute();
  const target = route.new!;
  const call = (): Call => {
    const c = callFor(exchangeFor(table, route, target).x, planFor(route, target));
    c.deadlineAt = 10_000;
    return c;
  };

  it('holds a slot while the rest runs and gives it back with the outcome', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, queue: 0 });
    const policy = new BulkheadPolicy(bulkhead, 'fresh', manualClock().now, recordEvents());
    let active = -1;
    await run(policy, call(), (_c, done) => {
      active = bulkhead.active;
      done(answered(200));
    });
    expect(active).toBe(1);
    await settled();
    expect(bulkhead.active).toBe(0);
  });

  it('refuses at once when every slot and queue place is taken: 503 bulkhead-full, Retry-After 1, counted', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, queue: 0 });
    const events = recordEvents();
    const policy = new BulkheadPolicy(bulkhead, 'fresh', manualClock().now, events);
    let finishFirst: Done = () => undefined;
    policy.run(call(), (_c, done) => (finishFirst = done), () => undefined);
    let ran = false;
    const refused = await run(policy, call(), () => (ran = true));
    expect(ran).toBe(false);
    expect(refused).toMatchObject({ kind: 'failed', failure: 'refused', error: { code: 'bulkhead-full', retryAfterSeconds: 1 } });
    expect(events.seen).toEqual(['bulkhead-full fresh']);
    finishFirst(answered(200));
    await settled();
    expect(bulkhead.active).toBe(0);
  });

  it('queues a call until a slot frees, then runs it', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, queue: 1 });
    const policy = new BulkheadPolicy(bulkhead, 'fresh', manualClock().now, recordEvents());
    let finishFirst: Done = () => undefined;
    policy.run(call(), (_c, done) => (finishFirst = done), () => undefined);
    const second = run(policy, call(), (_c, done) => done(answered(201)));
    finishFirst(answered(200));
    expect(await second).toEqual(answered(201));
    await settled();
    expect(bulkhead.active).toBe(0);
  });

  it('a client that leaves while queued ends its wait without running, and the slot is not lost', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, queue: 1 });
    const policy = new BulkheadPolicy(bulkhead, 'fresh', manualClock().now, recordEvents());
    let finishFirst: Done = () => undefined;
    policy.run(call(), (_c, done) => (finishFirst = done), () => undefined);
    const waiting = call();
    let ran = false;
    const outcome: Promise<Outcome> = run(policy, waiting, () => (ran = true));
    waiting.x.end();
    expect(await outcome).toEqual(gone);
    finishFirst(answered(200));
    await settled();
    expect(ran).toBe(false);
    expect(bulkhead.active).toBe(0);
  });
});
