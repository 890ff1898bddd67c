import { RolloutBench, ROUTE, rolloutTable } from './kit';

/** One replica drives; another takes over once the holder's lease runs out; a restart carries on from the store. */

const S = 1_000;
const plan = { steps: [50, 100], interval: '3s', minRequests: 20 };

describe('the rollout lease', () => {
  let bench: RolloutBench;
  afterEach(() => bench.close());

  it('lets one replica drive; the other takes over within the lease after the holder stops, and the rollout goes on', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.driver('a', 10 * S).tick();
    await bench.driver('b', 10 * S).tick();
    expect([bench.driver('a').leader, bench.driver('b').leader]).toEqual([true, false]);
    expect((await bench.control.rolloutStatus(ROUTE)).lease).toEqual({ holder: 'a', until: new Date(bench.now + 10 * S).toISOString() });

    await bench.shadowTraffic(200);
    // a dies (it ticks no more); b may not take over before a's lease runs out…
    await bench.after(3 * S, 'b');
    expect(bench.driver('b').leader).toBe(false);
    expect(await bench.routeState()).toBe('shadow');
    // …and does once it has.
    await bench.after(8 * S, 'b');
    expect(bench.driver('b').leader).toBe(true);
    expect(await bench.routeState()).toBe('canary 50%');
    const [step] = await bench.control.history(ROUTE, 1);
    expect(step!.via).toMatch(/^rollout #\d+ \(b\)$/);
    expect(bench.log.lines.some((l) => l.message === 'rollout lease taken: this replica drives rollouts' && l.fields['replica'] === 'b')).toBe(true);
  });

  it('a replica stopping cleanly lets the lease go at once', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.driver('a').tick();
    await bench.driver('a').stop();
    await bench.driver('b').tick();
    expect(bench.driver('b').leader).toBe(true);
  });

  it('survives a restart of every gateway: a new driver on the same store carries on from the stored step', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(200);
    await bench.after(3 * S, 'first');
    expect(await bench.routeState()).toBe('canary 50%');
    await bench.driver('first').stop();
    await bench.canaryTraffic('new', 30);
    await bench.canaryTraffic('legacy', 30);
    await bench.after(3 * S, 'after-restart');
    expect(await bench.routeState()).toBe('new');
    expect((await bench.status()).state).toBe('done');
  });

  it('analyses each rollout once per interval however many replicas tick', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    bench.advance(3 * S);
    await Promise.all([bench.driver('a').tick(), bench.driver('b').tick(), bench.driver('a').tick()]);
    expect(bench.log.lines.filter((l) => l.message === 'rollout analysis')).toHaveLength(1);
  });
});
