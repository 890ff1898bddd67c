import { startUpstream, type TestUpstream } from '../kit/upstream';
import { json, pool, send, shadowTable, startShadowGateway, mirrorFixture, type OutcomeLog } from './kit';
import { eventually } from '../../../platform/test-kit/eventually';

/**
 * Issue 6: the copy is "sampled per route (`sample`: 0..1)". Sample 0 mirrors nothing; sample 0.5
 * about half (binomial: 400 requests, mean 200, standard deviation 10; the bounds are six
 * deviations wide so the test does not flake); sample 1 everything.
 */

const fixture = mirrorFixture();
const { upstreams, gateways } = fixture;

async function run(sample: number, n: number): Promise<{ outcomes: OutcomeLog; fresh: TestUpstream; legacy: TestUpstream }> {
  const legacy = await startUpstream((req, res) => json(res, { url: req.url }));
  const fresh = await startUpstream((req, res) => json(res, { url: req.url }));
  upstreams.push(legacy, fresh);
  const { gw, outcomes } = await startShadowGateway(shadowTable(legacy.url, fresh.url, { shadow: { sample, noiseSample: 0 } }));
  gateways.push(gw);
  const answers = await pool(n, 16, (i) => send(gw.url, `/products/${i}`));
  expect(answers.every((a) => a.status === 200)).toBe(true);
  expect(legacy.seen).toHaveLength(n);
  expect(fixture.watch.begins()).toBe(n);
  // Every admitted copy finishes and is recorded.
  await eventually(() => outcomes.all.length === fixture.watch.tickets());
  await eventually(() => fixture.watch.size() === 0);
  return { outcomes, fresh, legacy };
}

it('sample 0 mirrors nothing', async () => {
  const { outcomes, fresh } = await run(0, 100);
  expect(fixture.watch.tickets()).toBe(0);
  expect(fresh.seen).toEqual([]);
  expect(outcomes.all).toEqual([]);
});

it('sample 0.5 mirrors about half', async () => {
  const N = 400;
  const { outcomes, fresh } = await run(0.5, N);
  const mirrored = fixture.watch.tickets();
  expect(mirrored).toBeGreaterThanOrEqual(N / 2 - 60);
  expect(mirrored).toBeLessThanOrEqual(N / 2 + 60);
  expect(fresh.seen).toHaveLength(mirrored);
  expect(outcomes.compared()).toHaveLength(mirrored);
  // The mirrored requests are the ones the new side saw, one copy each.
  expect(outcomes.compared().map((o) => o.request.path).sort()).toEqual(fresh.seen.map((s) => s.url).sort());
});

it('sample 1 mirrors everything', async () => {
  const { outcomes, fresh } = await run(1, 50);
  expect(fixture.watch.tickets()).toBe(50);
  expect(fresh.seen).toHaveLength(50);
  expect(outcomes.compared()).toHaveLength(50);
});
