import type { RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { json, pool, send, shadowTable, startShadowGateway, Stall, mirrorFixture, type OutcomeLog } from './kit';
import { eventually } from '../../../platform/test-kit/eventually';

/**
 * Issue 6: the copy goes "through a bounded queue that drops and counts when full"; "the queue
 * drops rather than grows when the new side stalls (memory stays bounded)". A new side that never
 * answers, a small `shadowing.maxPending`: the extra copies are dropped and counted (outcome
 * `dropped`), the mirror's size() never exceeds maxPending, the client's requests all succeed
 * while the new side is still stalled, and when the stall ends (or the shadow timeout frees the
 * slots) copies are admitted and compared again.
 */

const fixture = mirrorFixture();
const { upstreams, gateways } = fixture;

async function stack(stall: Stall, shadowing: { maxPending: number; concurrency: number }, timeoutMs = 60_000): Promise<{ gw: RunningGateway; outcomes: OutcomeLog; fresh: TestUpstream }> {
  const legacy = await startUpstream((_req, res) => json(res, { id: 1 }));
  const fresh = await startUpstream((_req, res) => stall.hold(() => json(res, { id: 1 })));
  upstreams.push(legacy, fresh);
  const { gw, outcomes } = await startShadowGateway(shadowTable(legacy.url, fresh.url, { shadowing, shadow: { timeoutMs, noiseSample: 0 } }));
  gateways.push(gw);
  return { gw, outcomes, fresh };
}

it('drops and counts the copies beyond maxPending while the new side stalls; the clients are all answered; it recovers when the stall ends', async () => {
  const MAX = 3;
  const N = 40;
  const stall = new Stall();
  const { gw, outcomes, fresh } = await stack(stall, { maxPending: MAX, concurrency: 64 });

  const answers = await pool(N, 8, () => send(gw.url, '/products/1'));
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  // Every client was answered while the new side had answered nothing at all.
  await eventually(() => stall.held() === MAX);
  expect(fresh.seen).toHaveLength(MAX);

  expect(fixture.watch.begins()).toBe(N);
  expect(fixture.watch.tickets()).toBe(MAX);
  expect(fixture.watch.maxSize()).toBeLessThanOrEqual(MAX);
  expect(fixture.watch.size()).toBe(MAX);
  expect(outcomes.of('dropped')).toHaveLength(N - MAX);
  expect(outcomes.all.map((o) => o.kind)).toEqual(outcomes.all.map(() => 'dropped'));
  // Nothing piles up at the stalled side either.
  expect(fresh.connections()).toBeLessThanOrEqual(MAX);

  stall.release();
  await eventually(() => outcomes.compared().length === MAX);
  await eventually(() => fixture.watch.size() === 0);

  await pool(10, 5, () => send(gw.url, '/products/1'));
  await eventually(() => outcomes.compared().length === MAX + 10);
  expect(outcomes.of('dropped')).toHaveLength(N - MAX);
  expect(fixture.watch.maxSize()).toBeLessThanOrEqual(MAX);
});

it('with fewer shadow calls allowed than pending, the waiting copies count against maxPending and run when a slot frees', async () => {
  const stall = new Stall();
  const { gw, outcomes, fresh } = await stack(stall, { maxPending: 5, concurrency: 2 });

  const answers = await pool(20, 4, () => send(gw.url, '/products/1'));
  expect(answers.every((a) => a.status === 200)).toBe(true);
  await eventually(() => stall.held() === 2);
  expect(fixture.watch.size()).toBe(5);
  expect(fixture.watch.maxSize()).toBeLessThanOrEqual(5);
  expect(outcomes.of('dropped')).toHaveLength(15);
  // Only `concurrency` calls ever reached the stalled side.
  expect(fresh.seen).toHaveLength(2);

  stall.release();
  await eventually(() => outcomes.compared().length === 5);
  expect(fresh.seen).toHaveLength(5);
  await eventually(() => fixture.watch.size() === 0);
});

it('a new side that never answers frees its slots at shadow.timeoutMs: new copies are admitted again', async () => {
  const stall = new Stall(); // never released
  const { gw, outcomes } = await stack(stall, { maxPending: 2, concurrency: 64 }, 1_000);

  await pool(10, 5, () => send(gw.url, '/products/1'));
  // Two admitted, the rest dropped (unless the burst outlasted the shadow timeout and a slot freed).
  expect(outcomes.of('dropped').length + fixture.watch.tickets()).toBe(10);
  expect(outcomes.of('dropped').length).toBeGreaterThanOrEqual(6);
  await eventually(() => outcomes.of('new-timeout').length >= 2);
  await eventually(() => fixture.watch.size() === 0);

  const droppedBefore = outcomes.of('dropped').length;
  const timeoutsBefore = outcomes.of('new-timeout').length;
  await send(gw.url, '/products/1');
  await send(gw.url, '/products/1');
  await eventually(() => outcomes.of('new-timeout').length === timeoutsBefore + 2);
  expect(outcomes.of('dropped')).toHaveLength(droppedBefore);
  expect(fixture.watch.maxSize()).toBeLessThanOrEqual(2);
});
