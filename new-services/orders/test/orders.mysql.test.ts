import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { ORDERS_MIGRATIONS_TABLE, migrateOrders } from '../src/index';
import { importedOrder, ordersFixture, type OrdersFixture } from './kit/orders';

if (!process.env.STRANGLER_TEST_MYSQL_URL) {
  // Never skip: a MySQL suite that silently passes without MySQL proves nothing.
  throw new Error('STRANGLER_TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306); the MySQL suite cannot run');
}

let database: TestDatabase;
let f: OrdersFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  f = await ordersFixture({ url: database.url });
});

afterAll(async () => {
  await f?.close();
  await database?.drop();
});

const BODY = { customerId: 5, note: 'über — ünicode', lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }] };

describe('orders on MySQL/MariaDB', () => {
  it('migrates into its own migrations table, once', async () => {
    expect(await f.db.schema.hasTable(ORDERS_MIGRATIONS_TABLE)).toBe(true);
    expect(await migrateOrders(f.db)).toEqual([]);
  });

  it('creates an order priced from the catalog and replays a retry', async () => {
    const first = await request(f.app).post('/orders').set('Idempotency-Key', 'my-1').send(BODY);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 1, note: BODY.note, total: { amount: 2899, currency: 'EUR' } });
    const again = await request(f.app).post('/orders').set('Idempotency-Key', 'my-1').send(BODY);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect((await request(f.app).post('/orders').set('Idempotency-Key', 'my-1').send({ ...BODY, customerId: 6 })).status).toBe(422);
    expect((await request(f.app).get('/orders/1')).body).toEqual(first.body);
  });

  it('parallel duplicates with one key produce one order (the unique key decides)', async () => {
    const before = await f.counts();
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(f.app).post('/orders').set('Idempotency-Key', 'my-race').send(BODY)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await f.counts()).toEqual({ orders: before.orders + 1, lines: before.lines + 2, keys: before.keys + 1 });
  });

  it('catalog down → 503 and nothing written', async () => {
    const before = await f.counts();
    f.stub.mode = 'error';
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'my-down').send(BODY);
    f.stub.mode = 'up';
    expect(res.status).toBe(503);
    expect(await f.counts()).toEqual(before);
  });

  it('imports a batch idempotently and lists in id order', async () => {
    const items = [importedOrder(100), importedOrder(101, { note: 'x'.repeat(1000) })];
    expect((await request(f.app).post('/orders/batch').send({ items })).body).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect((await request(f.app).post('/orders/batch').send({ items })).body).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    const changed = importedOrder(100, { status: 'cancelled' });
    expect((await request(f.app).post('/orders/batch').send({ items: [changed] })).body).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect((await request(f.app).get('/orders/100')).body).toEqual(changed);
    expect((await request(f.app).get('/orders/101')).body).toEqual(items[1]);
    const page = await request(f.app).get('/orders?size=50');
    expect(page.body.total).toBe(4);
    expect((page.body.items as Array<{ id: number }>).map((o) => o.id)).toEqual([1, 2, 100, 101]);
    const next = await request(f.app).post('/orders').set('Idempotency-Key', 'my-after').send(BODY);
    expect(next.body.id).toBe(102);
  });

  it('status transitions and health', async () => {
    expect((await request(f.app).post('/orders/1/status').send({ status: 'paid' })).body.status).toBe('paid');
    expect((await request(f.app).post('/orders/1/status').send({ status: 'new' })).status).toBe(409);
    expect((await request(f.app).get('/health')).body).toEqual({ status: 'ok' });
  });

  it('expand=lines answers whole orders equal to GET /orders/:id; a bad expand is 400', async () => {
    const page = await request(f.app).get('/orders?size=500&expand=lines');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe((page.body.items as unknown[]).length);
    for (const order of page.body.items as Array<{ id: number }>) {
      expect(order).toEqual((await request(f.app).get(`/orders/${order.id}`)).body);
    }
    expect((await request(f.app).get('/orders?expand=everything')).status).toBe(400);
  });

  it('batch delete: orders, lines and their keys go; missing counted; duplicates 400; shadow deletes nothing', async () => {
    const made = await request(f.app).post('/orders').set('Idempotency-Key', 'my-del').send(BODY);
    const id = made.body.id as number;
    const before = await f.counts();
    const shadow = await request(f.app).post('/orders/batch-delete').set('x-strangler-shadow', '1').send({ ids: [id, 100, 9999] });
    expect(shadow.body).toEqual({ deleted: 2, missing: 1 });
    expect(await f.counts()).toEqual(before);
    const dup = await request(f.app).post('/orders/batch-delete').send({ ids: [id, id] });
    expect(dup.status).toBe(400);
    expect(dup.body.errors).toEqual([{ path: 'ids[1]', message: `duplicates ids[0] (${id}); ids must be unique within a batch` }]);
    expect((await request(f.app).post('/orders/batch-delete').send({ ids: [id, 100, 9999] })).body).toEqual({ deleted: 2, missing: 1 });
    expect(await f.counts()).toEqual({ orders: before.orders - 2, lines: before.lines - 4, keys: before.keys - 1 });
    expect((await f.db('order_idempotency_keys').where('idem_key', 'my-del')).length).toBe(0);
  });
});
