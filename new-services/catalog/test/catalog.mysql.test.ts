import type express from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { openDatabase, silentLogger } from '../../../platform';
import { CATALOG_MIGRATIONS_TABLE, createCatalogApp, migrateCatalog } from '../src/index';
import { countProducts, product, writeBody } from './kit';

// createTestDatabase throws when STRANGLER_TEST_MYSQL_URL is missing: this suite fails, never skips.
let testDb: TestDatabase;
let db: Knex;
let app: express.Application;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = openDatabase(testDb.url);
  app = createCatalogApp({ db, logger: silentLogger });
});

afterAll(async () => {
  await db?.destroy();
  await testDb?.drop();
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => product(from + i));

describe('catalog on MySQL/MariaDB', () => {
  it('migrates once, into its own migrations table', async () => {
    expect(await migrateCatalog(db)).toEqual(['001_products']);
    expect(await migrateCatalog(db)).toEqual([]);
    expect(await db.schema.hasTable(CATALOG_MIGRATIONS_TABLE)).toBe(true);
  });

  it('health pings the database', async () => {
    expect((await request(app).get('/health').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('batch upsert counts inserted, updated, unchanged, and a re-run changes nothing', async () => {
    expect((await request(app).post('/products/batch').send({ items: range(1, 600) }).expect(200)).body).toEqual({ inserted: 600, updated: 0, unchanged: 0 });
    const next = range(1, 610).map((p) => (p.id % 100 === 0 ? { ...p, status: 'discontinued' as const } : p));
    expect((await request(app).post('/products/batch').send({ items: next }).expect(200)).body).toEqual({ inserted: 10, updated: 6, unchanged: 594 });
    expect((await request(app).post('/products/batch').send({ items: next }).expect(200)).body).toEqual({ inserted: 0, updated: 0, unchanged: 610 });
    expect(await countProducts(db)).toBe(610);
  });

  it('pages in id order with the total, and products round-trip exactly', async () => {
    const res = await request(app).get('/products?page=2&size=500').expect(200);
    expect(res.body.total).toBe(610);
    expect(res.body.items.map((p: { id: number }) => p.id)).toEqual(Array.from({ length: 110 }, (_, i) => 501 + i));
    expect(res.body.items[0]).toEqual(product(501));
    const one = await request(app).get('/products/300').expect(200);
    expect(one.body).toEqual({ ...product(300), status: 'discontinued' });
    expect(one.headers.etag).toBe('"2"');
  });

  it('PUT versions: create, update, unchanged, stale If-Match 412, If-None-Match 412', async () => {
    const big = product(9000, { price: { amount: 9_007_199_254_740_991, currency: 'USD' }, description: 'é ü ✓ 🚀'.repeat(100) });
    const created = await request(app).put('/products/9000').send(writeBody(big)).expect(201);
    expect(created.headers.etag).toBe('"1"');
    expect((await request(app).get('/products/9000')).body).toEqual(big);

    await request(app).put('/products/9000').send(writeBody({ ...big, name: 'v2' })).expect(200);
    const same = await request(app).put('/products/9000').send(writeBody({ ...big, name: 'v2' })).expect(200);
    expect(same.headers.etag).toBe('"2"');

    await request(app).put('/products/9000').set('if-match', '"1"').send(writeBody({ ...big, name: 'lost' })).expect(412);
    await request(app).put('/products/9000').set('if-none-match', '*').send(writeBody(big)).expect(412);
    await request(app).put('/products/9001').set('if-match', '"1"').send(writeBody(product(9001))).expect(412);
    const ok = await request(app).put('/products/9000').set('if-match', '"2"').send(writeBody({ ...big, name: 'v3' })).expect(200);
    expect(ok.headers.etag).toBe('"3"');
  });

  it('a sku clash is 409 and rolls the batch back', async () => {
    const before = await countProducts(db);
    await request(app).post('/products/batch').send({ items: [product(9100), product(9101, { sku: product(1).sku })] }).expect(409);
    expect(await countProducts(db)).toBe(before);
  });

  it('concurrent first writes of one id all succeed: one creates, the rest update or leave it', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => request(app).put('/products/9200').send(writeBody(product(9200)))));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect((await request(app).get('/products/9200')).headers.etag).toBe('"1"');
  });

  it('shadow-marked writes change nothing', async () => {
    const before = await db('products').orderBy('id');
    await request(app).put('/products/9300').set('x-strangler-shadow', '1').send(writeBody(product(9300))).expect(201);
    await request(app).post('/products/batch').set('x-strangler-shadow', '1').send({ items: [product(1, { name: 'x' })] }).expect(200);
    expect(await db('products').orderBy('id')).toEqual(before);
  });

  it('batch delete: existing, missing, duplicates 400, shadow deletes nothing', async () => {
    const before = await countProducts(db);
    await request(app).post('/products/batch').send({ items: [product(9500), product(9501)] }).expect(200);
    const shadow = await request(app).post('/products/batch-delete').set('x-strangler-shadow', '1').send({ ids: [9500, 9501, 9599] }).expect(200);
    expect(shadow.body).toEqual({ deleted: 2, missing: 1 });
    expect(await countProducts(db)).toBe(before + 2);
    const dup = await request(app).post('/products/batch-delete').send({ ids: [9500, 9500] }).expect(400);
    expect(dup.body.errors).toEqual([{ path: 'ids[1]', message: 'duplicates ids[0] (9500); ids must be unique within a batch' }]);
    expect((await request(app).post('/products/batch-delete').send({ ids: [9500, 9501, 9599] }).expect(200)).body).toEqual({ deleted: 2, missing: 1 });
    expect(await countProducts(db)).toBe(before);
  });
});
