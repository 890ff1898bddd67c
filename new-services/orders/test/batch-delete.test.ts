import request from 'supertest';
import { BatchDeleteResultSchema, OrderBatchDeleteSchema } from '../src/index';
import { T } from '../src/db/tables';
import { importedOrder, ordersFixture, type OrdersFixture } from './kit/orders';

const BODY = { customerId: 5, lines: [{ productId: 1, quantity: 2 }] };

describe('POST /orders/batch-delete', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture();
    await request(f.app).post('/orders/batch').send({ items: [1, 2, 3].map((id) => importedOrder(id)) }).expect(200);
  });
  afterEach(() => f.close());

  const del = (body: unknown) => request(f.app).post('/orders/batch-delete').send(body as object);

  it('deletes existing orders with their lines', async () => {
    const res = await del({ ids: [1, 3] });
    expect(res.status).toBe(200);
    expect(BatchDeleteResultSchema.parse(res.body)).toEqual({ deleted: 2, missing: 0 });
    expect(await f.counts()).toEqual({ orders: 1, lines: 2, keys: 0 });
    expect((await request(f.app).get('/orders/1')).status).toBe(404);
    expect((await request(f.app).get('/orders/2')).body).toEqual(importedOrder(2));
  });

  it('counts ids with no order as missing', async () => {
    expect((await del({ ids: [7, 8, 9] })).body).toEqual({ deleted: 0, missing: 3 });
    expect(await f.counts()).toEqual({ orders: 3, lines: 6, keys: 0 });
  });

  it('a mixed list deletes what exists; re-running it reports everything missing', async () => {
    expect((await del({ ids: [3, 50, 2] })).body).toEqual({ deleted: 2, missing: 1 });
    expect((await del({ ids: [3, 50, 2] })).body).toEqual({ deleted: 0, missing: 3 });
    expect(await f.counts()).toEqual({ orders: 1, lines: 2, keys: 0 });
  });

  it('deletes the idempotency records that answer with a deleted order, and only those', async () => {
    const a = await request(f.app).post('/orders').set('Idempotency-Key', 'a').send(BODY).expect(201);
    const b = await request(f.app).post('/orders').set('Idempotency-Key', 'b').send(BODY).expect(201);
    expect((await del({ ids: [a.body.id as number] })).body).toEqual({ deleted: 1, missing: 0 });
    expect((await f.db(T.idempotency).select('idem_key')).map((r: { idem_key: string }) => r.idem_key)).toEqual(['b']);
    expect((await request(f.app).post('/orders').set('Idempotency-Key', 'b').send(BODY)).headers['idempotent-replayed']).toBe('true');
    expect((await request(f.app).get(`/orders/${b.body.id as number}`)).status).toBe(200);
  });

  it('refuses repeated ids with 400 naming each repeat, and deletes nothing', async () => {
    const res = await del({ ids: [1, 2, 2, 1] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:invalid-body', status: 400 });
    expect(res.body.errors).toEqual([
      { path: 'ids[2]', message: 'duplicates ids[1] (2); ids must be unique within a batch' },
      { path: 'ids[3]', message: 'duplicates ids[0] (1); ids must be unique within a batch' },
    ]);
    expect(await f.counts()).toEqual({ orders: 3, lines: 6, keys: 0 });
  });

  it('lists every field error and refuses empty or oversized lists', async () => {
    const res = await del({ ids: [-1, 'x'], extra: 1 });
    expect(res.status).toBe(400);
    expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['ids[0]', 'ids[1]', '']);
    expect((await del({ ids: [] })).status).toBe(400);
    expect((await del({ ids: Array.from({ length: 1001 }, (_, i) => i + 1) })).status).toBe(400);
    expect(OrderBatchDeleteSchema.safeParse({ ids: [4, 4] }).success).toBe(false);
  });

  it('with x-strangler-shadow answers the counts, marked, and deletes nothing', async () => {
    await request(f.app).post('/orders').set('Idempotency-Key', 'k').send(BODY).expect(201);
    const before = await f.counts();
    const res = await del({ ids: [1, 4, 99] }).set('x-strangler-shadow', '1');
    expect(res.status).toBe(200);
    expect(res.headers['x-strangler-shadow']).toBe('1');
    expect(res.body).toEqual({ deleted: 2, missing: 1 });
    expect(await f.counts()).toEqual(before);
    expect((await del({ ids: [1, 1] }).set('x-strangler-shadow', '1')).status).toBe(400);
  });
});
