import request from 'supertest';
import { importedOrder, ordersFixture, type OrdersFixture } from './kit/orders';

describe('POST /orders/batch', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture();
  });
  afterEach(() => f.close());

  const batch = (items: unknown[]) => request(f.app).post('/orders/batch').send({ items });

  it('inserts orders with their ids, then a re-run changes nothing', async () => {
    const items = [importedOrder(10), importedOrder(3, { status: 'new', note: 'gift' }), importedOrder(7)];
    expect((await batch(items)).body).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    expect(await f.counts()).toEqual({ orders: 3, lines: 6, keys: 0 });
    expect((await request(f.app).get('/orders/3')).body).toEqual(items[1]);
    expect((await batch(items)).body).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await f.counts()).toEqual({ orders: 3, lines: 6, keys: 0 });
  });

  it('updates only what changed, lines included', async () => {
    await batch([importedOrder(1), importedOrder(2)]);
    const changed = importedOrder(2, {
      status: 'shipped',
      lines: [{ lineNo: 1, productId: 1, quantity: 1, unitPrice: { amount: 1250, currency: 'EUR' }, amount: { amount: 1250, currency: 'EUR' } }],
      total: { amount: 1250, currency: 'EUR' },
    });
    expect((await batch([importedOrder(1), changed, importedOrder(3)])).body).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
    expect((await request(f.app).get('/orders/2')).body).toEqual(changed);
    expect(await f.counts()).toEqual({ orders: 3, lines: 5, keys: 0 });
  });

  it('new orders created after an import get ids past the imported ones', async () => {
    await batch([importedOrder(500)]);
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'k').send({ customerId: 1, lines: [{ productId: 1, quantity: 1 }] });
    expect(res.body.id).toBe(501);
  });

  it('refuses the whole batch when any order breaks an invariant, naming each problem', async () => {
    const res = await batch([
      importedOrder(1),
      importedOrder(2, { total: { amount: 1, currency: 'EUR' } }),
      importedOrder(1),
    ]);
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:strangler:problem:order-invariant-violated');
    expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['items[1].total.amount', 'items[2].id']);
    expect(await f.counts()).toEqual({ orders: 0, lines: 0, keys: 0 });
  });

  it('lists every shape error with its path', async () => {
    const res = await batch([{ ...importedOrder(1), placedAt: 'yesterday', lines: [] }, { id: 0 }]);
    expect(res.status).toBe(400);
    const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['items[0].placedAt', 'items[0].lines', 'items[1].id', 'items[1].customerId', 'items[1].total']));
    expect((await request(f.app).post('/orders/batch').send({ items: [] })).status).toBe(400);
  });
});
