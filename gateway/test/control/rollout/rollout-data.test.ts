import { RolloutBench, ROUTE, rolloutTable } from './kit';

/** The data-freshness check: the last `verify` of the context the route names must be clean and recent. */

const S = 1_000;
const H = 3_600_000;
const plan = { steps: [50, 100], interval: '3s', minRequests: 20, data: { context: 'catalog', maxAge: '24h' } };
const verify = (at: number, clean: boolean) => ({ context: 'catalog', at: new Date(at).toISOString(), clean, legacyRows: 40, serviceRows: 40, missing: 0, extra: 0, different: clean ? 0 : 3 });

describe('the data-freshness check', () => {
  let bench: RolloutBench;
  afterEach(() => bench.close());

  const check = async () => (await bench.status()).lastAnalysis!.checks.find((c) => c.name === 'data-freshness')!;

  it('waits without a verify, passes on a clean recent one, waits again when it grows old', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(200);
    await bench.after(3 * S);
    expect(await check()).toMatchObject({ verdict: 'no-data', detail: 'no verify of catalog recorded: run `strangler verify catalog`' });
    expect(await bench.routeState()).toBe('shadow');

    await bench.rollouts.recordVerification(verify(bench.now - 2 * H, true));
    await bench.after(3 * S);
    expect(await check()).toMatchObject({ verdict: 'pass', value: 2, threshold: 24 });
    expect(await bench.routeState()).toBe('canary 50%');

    await bench.canaryTraffic('new', 30);
    await bench.canaryTraffic('legacy', 30);
    bench.advance(23 * H);
    await bench.after(3 * S);
    expect(await check()).toMatchObject({ verdict: 'no-data' });
    expect((await check()).detail).toMatch(/is too old: run `strangler verify catalog`$/);
    expect(await bench.routeState()).toBe('canary 50%');
  });

  it('fails on a verify that found differences, and rolls back', async () => {
    bench = await RolloutBench.open(rolloutTable(plan));
    await bench.rollouts.recordVerification(verify(bench.now - H, true));
    await bench.rollouts.recordVerification(verify(bench.now - 1_000, false));
    await bench.control.rolloutStart(ROUTE, {}, 'test');
    await bench.shadowTraffic(200);
    await bench.after(3 * S);
    expect(await check()).toMatchObject({ verdict: 'fail' });
    expect((await check()).detail).toMatch(/found differences: 0 missing, 0 extra, 3 different of 40 legacy rows$/);
    expect((await bench.status()).state).toBe('rolled-back');
  });
});
