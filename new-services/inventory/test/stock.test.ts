import request from 'supertest';
import { StockPageSchema, StockSchema } from '../src/index';
import { inventoryFixture, stock, type InventoryFixture } from './kit/inventory';

let f: InventoryFixture;
beforeEach(async () => {
  f = await inventoryFixture([stock(1, 10, 2), stock(2, 0), stock(3, 5)]);
});
afterEach(() => f.close());

describe('stock reads', () => {
  it('GET /inventory/:productId answers the contract: on hand, reserved, available, updatedAt', async () => {
    const res = await request(f.app).get('/inventory/1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ productId: 1, onHand: 10, reserved: 2, available: 8, updatedAt: '2024-01-02T03:04:05Z' });
    expect(StockSchema.safeParse(res.body).success).toBe(true);
  });

  it('an unknown product is a 404 problem naming it; a bad id a 400', async () => {
    const missing = await request(f.app).get('/inventory/99');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'urn:strangler:problem:stock-not-found', productId: 99 });
    expect((await request(f.app).get('/inventory/abc')).status).toBe(400);
  });

  it('pages in product id order', async () => {
    const res = await request(f.app).get('/inventory?page=2&size=2');
    expect(StockPageSchema.parse(res.body)).toEqual({ items: [stock(3, 5)], page: 2, size: 2, total: 3 });
  });
});

describe('the batch door of backfill and sync', () => {
  it('upserts idempotently: a second identical batch changes nothing', async () => {
    const batch = { items: [stock(1, 12, 2, '2024-02-02T00:00:00Z'), stock(4, 7)] };
    expect((await request(f.app).post('/inventory/batch').send(batch)).body).toEqual({ inserted: 1, updated: 1, unchanged: 0 });
    expect((await request(f.app).post('/inventory/batch').send(batch)).body).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect((await request(f.app).get('/inventory/1')).body).toMatchObject({ onHand: 12, reserved: 2, available: 10 });
  });

  it('refuses an item whose available is not onHand − reserved, naming the field', async () => {
    const res = await request(f.app).post('/inventory/batch').send({ items: [{ ...stock(5, 3), available: 4 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'items[0].available', message: 'must be onHand − reserved = 3' }]);
  });

  it('keeps this service’s own reservations: an import that would not cover them is refused whole', async () => {
    await request(f.app).put('/reservations/r-1').send({ productId: 3, quantity: 4 }).expect(201);
    const before = await f.snapshot();
    const res = await request(f.app).post('/inventory/batch').send({ items: [stock(4, 1), stock(3, 3)] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'items[1]', message: 'product 3: 3 on hand cannot cover 0 reserved by the previous owner and 4 reserved here' }]);
    expect(await f.snapshot()).toEqual(before);
    // A fitting import keeps the reservation on top of the owner's count.
    await request(f.app).post('/inventory/batch').send({ items: [stock(3, 9, 1)] }).expect(200);
    expect((await request(f.app).get('/inventory/3')).body).toMatchObject({ onHand: 9, reserved: 5, available: 4 });
  });

  it('batch-delete removes stock rows and counts what was missing', async () => {
    expect((await request(f.app).post('/inventory/batch-delete').send({ ids: [2, 42] })).body).toEqual({ deleted: 1, missing: 1 });
    expect((await request(f.app).get('/inventory/2')).status).toBe(404);
  });

  it('a shadow copy of a write answers the counts and writes nothing', async () => {
    const before = await f.snapshot();
    const res = await request(f.app).post('/inventory/batch').set('x-strangler-shadow', '1').send({ items: [stock(9, 9)] });
    expect(res.body).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect(res.headers['x-strangler-shadow']).toBe('1');
    await request(f.app).post('/inventory/batch-delete').set('x-strangler-shadow', '1').send({ ids: [1] }).expect(200);
    expect(await f.snapshot()).toEqual(before);
  });
});
