import type { Knex } from 'knex';
import { openStateDb } from '../../src/control/store-db';
import { addOutcome, DEFAULT_BATCH_LIMITS, emptyBatch, fieldId, HOUR_MS } from '../../src/shadow/batch';
import { ShadowStore } from '../../src/shadow/results-store';
import { RowReader, TotalsRowSchema } from '../../src/shadow/results-rows';
import { T, fieldHash } from '../../src/shadow/results-tables';
import type { ShadowOutcome } from '../../src/shadow/types';
import { compared, diff } from './outcomes';

/**
 * Shadow results rows written by another gateway version (a kind, a side or a sample shape this
 * one does not know, or damaged JSON): each is left out and named by table, row and field, and
 * the rest of the report stands (issue 14, item 5).
 */

const NOW = new Date('2026-11-25T10:30:00Z');
const HOUR = Math.floor(NOW.getTime() / HOUR_MS);
const SINCE = new Date(NOW.getTime() - 24 * HOUR_MS);

let db: Knex;
let store: ShadowStore;

async function record(...outcomes: ShadowOutcome[]): Promise<void> {
  const batches = new Map<string, ReturnType<typeof emptyBatch>>();
  for (const o of outcomes) {
    const b = batches.get(o.routeId) ?? emptyBatch(o.routeId, HOUR);
    batches.set(o.routeId, b);
    addOutcome(b, o, NOW, DEFAULT_BATCH_LIMITS);
  }
  await store.add([...batches.values()]);
}

beforeEach(async () => {
  db = openStateDb('sqlite::memory:');
  store = new ShadowStore(db, { clock: () => NOW });
  await store.migrate();
  // Four compared requests: two identical, two differing on price.
  await record(compared('products', []), compared('products', []), compared('products', [diff('price')]), compared('products', [diff('price')]));
});

afterEach(() => db.destroy());

const fieldRow = (routeId: string, path: string, kind: string) => ({ route_id: routeId, hour: HOUR, field_key: fieldHash(`${kind}:${path}`), path, kind, raw: 3, noise: 0 });

it('a field of an unknown kind is left out and named; the rest of the report stands', async () => {
  await db(T.fields).insert(fieldRow('products', 'stock', 'wobble'));
  const [report] = await store.report('products', SINCE);
  expect(report).toMatchObject({ compared: 4, matches: 2 });
  expect(report?.fields.map((f) => f.path)).toEqual(['price']);
  expect(report?.unreadable).toEqual([
    { table: T.fields, row: `route_id=products field_key=${fieldHash('wobble:stock')}`, field: 'kind', message: expect.stringMatching(/^Invalid option: expected one of "changed"/) },
  ]);
});

it('latency of an unknown side, fingerprints that are not fields or not JSON: each named by its table and field', async () => {
  await db(T.latency).insert({ route_id: 'products', hour: HOUR, side: 'middle', requests: 1, sum_ms: 5 });
  await db(T.fingerprints).insert({ route_id: 'products', hour: HOUR, fp_key: 'a'.repeat(40), fields: JSON.stringify([['price', 'wobble']]), requests: 7 });
  await db(T.fingerprints).insert({ route_id: 'products', hour: HOUR, fp_key: 'b'.repeat(40), fields: '[["price"', requests: 7 });
  const [report] = await store.report('products', SINCE);
  // The unreadable fingerprints' 14 requests are not counted as matches: a report short of rows only ever looks worse.
  expect(report).toMatchObject({ compared: 4, matches: 2, latency: { legacy: { count: 4 }, new: { count: 4 } } });
  const named = report?.unreadable?.map((u) => [u.table, u.field, u.message]);
  expect(named).toEqual(
    expect.arrayContaining([
      [T.latency, 'side', expect.stringMatching(/expected one of "legacy"\|"fresh"/)],
      [T.fingerprints, 'fields[0][1]', expect.stringMatching(/Invalid option/)],
      [T.fingerprints, 'fields', expect.stringMatching(/^not valid JSON/)],
    ]),
  );
  expect(named).toHaveLength(3);
});

it('a sample of another shape is left out and named by its id and the path inside it; the good ones stay', async () => {
  const [before] = await store.report('products', SINCE);
  const price = before?.fields.find((f) => f.path === 'price');
  expect(price?.samples).toHaveLength(2);
  const [{ id }] = await db(T.samples).insert({ route_id: 'products', at_ms: NOW.getTime(), sample: JSON.stringify({ at: NOW.toISOString(), request: {}, legacy: { status: '200' } }) }, ['id']);
  await db(T.sampleFields).insert({ route_id: 'products', field_key: fieldHash(fieldId('price', 'changed')), sample_id: id, at_ms: NOW.getTime() });

  const [report] = await store.report('products', SINCE);
  expect(report?.fields.find((f) => f.path === 'price')?.samples).toEqual(price?.samples);
  expect(report?.unreadable).toEqual([{ table: T.samples, row: `sample_id=${id} route_id=products`, field: 'sample.request.method', message: expect.stringMatching(/and \d+ more\)$/) }]);
});

it('a route whose only rows are unreadable still gets a report that says so', async () => {
  await db(T.fields).insert(fieldRow('ghost', 'x', 'wobble'));
  const reports = await store.report(undefined, SINCE);
  expect(reports.map((r) => [r.routeId, r.compared, r.unreadable?.length ?? 0])).toEqual([
    ['ghost', 0, 1],
    ['products', 4, 0],
  ]);
  expect(reports[1]).not.toHaveProperty('unreadable');
});

it("the recorder's verdicts skip unreadable rows instead of failing", async () => {
  await db(T.fields).insert(fieldRow('products', 'stock', 'wobble'));
  const verdicts = await store.verdicts(SINCE);
  expect([...(verdicts.get('products')?.keys() ?? [])]).toEqual([fieldId('price', 'changed')]);
});

describe('totals rows as the drivers return them', () => {
  it('numbers from SQLite and DECIMAL strings from mysql2 are both read', () => {
    const reader = new RowReader();
    expect(reader.read(TotalsRowSchema, T.totals, ['route_id'], { route_id: 'p', compared: 12, identical: '7' })).toEqual({ route_id: 'p', compared: 12, identical: 7 });
  });

  it('a sum that is not a number is named, and its route listed', () => {
    const reader = new RowReader();
    expect(reader.read(TotalsRowSchema, T.totals, ['route_id'], { route_id: 'p', compared: 'lots' })).toBeNull();
    expect(reader.routes()).toEqual(['p']);
    expect(reader.unreadableFor('p')).toEqual([{ table: T.totals, row: 'route_id=p', field: 'compared', message: 'expected a number (or a numeric string)' }]);
  });

  it('a row whose route cannot be told is shown under every route', () => {
    const reader = new RowReader();
    reader.read(TotalsRowSchema, T.totals, ['route_id'], { route_id: null, compared: 1 });
    expect(reader.routes()).toEqual([]);
    expect(reader.unreadableFor('anything')).toEqual([{ table: T.totals, row: 'route_id=null', field: 'route_id', message: expect.any(String) }]);
  });
});
