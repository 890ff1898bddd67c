import type { Knex } from 'knex';
import { openStateDb } from '../../src/control/store-db';
import { addOutcome, DEFAULT_BATCH_LIMITS, emptyBatch, fieldId, HOUR_MS } from '../../src/shadow/batch';
import { ShadowStore } from '../../src/shadow/results-store';
import { T, fieldHash } from '../../src/shadow/results-tables';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { compared, diff } from '../shadow/outcomes';

/** Shadow rows another gateway version wrote, on MariaDB: sums come back as DECIMAL strings, and a bad row is still named and left out. */

const NOW = new Date('2026-11-25T10:30:00Z');
const HOUR = Math.floor(NOW.getTime() / HOUR_MS);
let server: TestDatabase;
let db: Knex;
let store: ShadowStore;

beforeAll(async () => {
  server = await createTestDatabase();
  db = openStateDb(server.url);
  store = new ShadowStore(db, { clock: () => NOW });
  await store.migrate();
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await server?.drop();
});

it('a field of an unknown kind and a sample that is not JSON are named; the sums around them read as numbers', async () => {
  const batch = emptyBatch('products', HOUR);
  for (const differences of [[], [diff('price')], [diff('price')]]) addOutcome(batch, compared('products', differences), NOW, DEFAULT_BATCH_LIMITS);
  await store.add([batch]);
  await db(T.fields).insert({ route_id: 'products', hour: HOUR, field_key: fieldHash('wobble:stock'), path: 'stock', kind: 'wobble', raw: 2, noise: 0 });
  const [id] = await db(T.samples).insert({ route_id: 'products', at_ms: NOW.getTime(), sample: '{"at":' });
  await db(T.sampleFields).insert({ route_id: 'products', field_key: fieldHash(fieldId('price', 'changed')), sample_id: id, at_ms: NOW.getTime() });

  const [report] = await store.report('products', new Date(NOW.getTime() - HOUR_MS));
  expect(report).toMatchObject({ compared: 3, matches: 1, fields: [{ path: 'price', raw: 2 }] });
  expect(report?.fields[0]?.samples).toHaveLength(2);
  expect(report?.unreadable?.map((u) => [u.table, u.field])).toEqual([
    [T.fields, 'kind'],
    [T.samples, 'sample'],
  ]);
});
