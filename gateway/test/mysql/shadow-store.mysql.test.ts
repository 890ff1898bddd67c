import { openStateDb } from '../../src/control/store-db';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { ShadowStore } from '../../src/shadow/results-store';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { compared, diff, failure } from '../shadow/outcomes';

/** The shadow results store on MariaDB, as a fleet uses it: several replicas adding to one record. */

let db: TestDatabase;
let a: ShadowStore;
let b: ShadowStore;
const NOW = new Date('2026-11-25T10:30:00Z');
const clock = () => NOW;
const SINCE = new Date('2026-11-25T00:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  a = new ShadowStore(openStateDb(db.url), { clock, samplesPerField: 2, ownsDb: true });
  b = new ShadowStore(openStateDb(db.url), { clock, samplesPerField: 2, ownsDb: true });
  // Both replicas migrate at once on an empty database: whoever loses the race to create a table carries on.
  await Promise.all([a.migrate(), b.migrate()]);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

it('two replicas flushing at once add up to one report, sums read as numbers', async () => {
  // A deadlock between the two transactions is allowed (the loser keeps its counts for the next flush); anything else is not.
  const errors: unknown[] = [];
  const onError = (_what: string, e: unknown) => errors.push(e);
  const ra = new ShadowRecorder({ store: a, clock, limits: { samplesPerField: 2 }, onError });
  const rb = new ShadowRecorder({ store: b, clock, limits: { samplesPerField: 2 }, onError });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 20; i++) {
      ra.record(compared('Products', i % 4 === 0 ? [diff('price'), diff('updatedAt')] : [diff('updatedAt')], { noise: i % 2 === 0 ? [diff('updatedAt')] : null, legacyMs: 12.5, freshMs: 40 }));
      rb.record(compared('Products', i % 5 === 0 ? [diff('Price')] : [], { legacyMs: 12.5, freshMs: 40 }));
    }
    rb.record(failure('Products', 'new-timeout', 2_000));
    await Promise.all([ra.flush(), rb.flush()]);
  }
  await Promise.all([ra.stop(), rb.stop()]);
  await ra.flush();
  await rb.flush();
  expect(errors.filter((e) => (e as { code?: string }).code !== 'ER_LOCK_DEADLOCK')).toEqual([]);

  const [r] = await b.report('Products', SINCE);
  expect(r).toMatchObject({ routeId: 'Products', compared: 120, noiseSampled: 30, newTimeouts: 3, newErrors: 0 });
  // Paths differing only in case are two fields (MySQL's default collation would have merged them).
  expect(r?.fields.map((f) => [f.path, f.raw, f.noise, f.real])).toEqual([
    ['price', 15, 0, true],
    ['Price', 12, 0, true],
    ['updatedAt', 60, 30, false],
  ]);
  // Matching: every compared request of rb without Price (48), and ra's without price (45).
  expect(r?.matches).toBe(93);
  expect(typeof r?.latency.legacy.meanMs).toBe('number');
  expect(r?.latency.legacy).toMatchObject({ count: 120, meanMs: 12.5 });
  expect(r?.latency.new.count).toBe(123);
  expect(r?.newErrorRate).toBeCloseTo(3 / 123);
  expect(r?.fields.find((f) => f.path === 'price')?.samples).toHaveLength(2);
  expect(await a.report(undefined, SINCE)).toEqual([r]);
});

it('retention prunes on MariaDB too', async () => {
  const later = new Date(NOW.getTime() + 8 * 24 * 3_600_000);
  await a.prune(later);
  expect((await a.report(undefined, new Date(0))).length).toBe(0);
});
