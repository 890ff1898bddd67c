import request from 'supertest';
import { OrderFullPageSchema, OrderPageSchema } from '../src/index';
import { importedOrder, ordersFixture, type OrdersFixture } from './kit/orders';

describe('GET /orders?expand=lines', () => {
  let f: OrdersFixture;
  beforeAll(async () => {
    f = await ordersFixture();
    const items = [4, 1, 3, 2].map((id) => importedOrder(id, { customerId: id * 10, note: id === 3 ? 'gift' : null }));
    await request(f.app).post('/orders/batch').send({ items }).expect(200);
    await request(f.app).post('/orders').set('Idempotency-Key', 'k').send({ customerId: 9, lines: [{ productId: 2, quantity: 3 }, { productId: 1, quantity: 1 }] }).expect(201);
  });
  afterAll(() => f.close());

  it('answers whole orders, each equal to GET /orders/:id, in id order with page, size and total', async () => {
    const res = await request(f.app).get('/orders?page=1&size=3&expand=lines');
    expect(res.status).toBe(200);
    const page = OrderFullPageSchema.parse(res.body);
    expect(page).toMatchObject({ page: 1, size: 3, total: 5 });
    expect(page.items.map((o) => o.id)).toEqual([1, 2, 3]);
    const second = OrderFullPageSchema.parse((await request(f.app).get('/orders?page=2&size=3&expand=lines')).body);
    expect(second.items.map((o) => o.id)).toEqual([4, 5]);
    for (const order of [...page.items, ...second.items]) {
      expect(order).toEqual((await request(f.app).get(`/orders/${order.id}`)).body);
    }
    expect(second.items[1]?.lines).toHaveLength(2);
  });

  it('without expand the items stay summaries', async () => {
    const res = await request(f.app).get('/orders?size=2');
    expect(OrderPageSchema.parse(res.body).items[0]).not.toHaveProperty('lines');
  });

  it('an empty page past the end', async () => {
    expect((await request(f.app).get('/orders?page=9&expand=lines')).body).toEqual({ items: [], page: 9, size: 50, total: 5 });
  });

  it('400 for an unknown or repeated expand, listed beside other bad parameters', async () => {
    for (const query of ['expand=items', 'expand=', 'expand=LINES', 'expand=lines&expand=lines']) {
      const res = await request(f.app).get(`/orders?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('urn:strangler:problem:invalid-parameter');
      expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['expand']);
    }
    const both = await request(f.app).get('/orders?size=0&expand=foo');
    expect((both.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['size', 'expand']);
  });
});
