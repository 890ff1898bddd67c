import request from 'supertest';
import { OrderPageSchema } from '../src/index';
import { importedOrder, ordersFixture, type OrdersFixture } from './kit/orders';

describe('reading orders, health and unknown paths', () => {
  let f: OrdersFixture;
  beforeAll(async () => {
    f = await ordersFixture();
    const items = [5, 1, 3, 2, 4].map((id) => importedOrder(id, { customerId: id * 10 }));
    await request(f.app).post('/orders/batch').send({ items }).expect(200);
  });
  afterAll(() => f.close());

  it('lists order headers in id order with page, size and total', async () => {
    const res = await request(f.app).get('/orders?page=2&size=2');
    expect(res.status).toBe(200);
    const page = OrderPageSchema.parse(res.body);
    expect(page).toMatchObject({ page: 2, size: 2, total: 5 });
    expect(page.items.map((o) => o.id)).toEqual([3, 4]);
    const { lines: _lines, ...header } = importedOrder(3, { customerId: 30 });
    expect(page.items[0]).toEqual(header);
  });

  it('defaults to page 1 of 50', async () => {
    const res = await request(f.app).get('/orders');
    expect(res.body).toMatchObject({ page: 1, size: 50, total: 5 });
    expect(res.body.items).toHaveLength(5);
    expect((await request(f.app).get('/orders?page=9')).body.items).toEqual([]);
  });

  it('400 listing every bad paging parameter', async () => {
    const res = await request(f.app).get('/orders?page=0&size=501');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['page', 'size']);
  });

  it('gets one order with its lines; 404 and 400 otherwise', async () => {
    expect((await request(f.app).get('/orders/4')).body).toEqual(importedOrder(4, { customerId: 40 }));
    const missing = await request(f.app).get('/orders/404');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'urn:strangler:problem:order-not-found', title: 'Order not found', status: 404, detail: 'order 404 does not exist' });
    const bad = await request(f.app).get('/orders/1x');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'id', message: 'must be a positive integer' }]);
  });

  it('answers an unknown path with a 404 problem carrying the request id', async () => {
    const res = await request(f.app).delete('/nowhere').set('x-request-id', 'req-77');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({ type: 'urn:strangler:problem:not-found', title: 'Not found', status: 404, detail: 'no such resource: DELETE /nowhere', requestId: 'req-77' });
  });

  it('health pings the database', async () => {
    const res = await request(f.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('health without a database', () => {
  it('answers 503 problem+json', async () => {
    const f = await ordersFixture();
    await f.db.destroy();
    try {
      const res = await request(f.app).get('/health');
      expect(res.status).toBe(503);
      expect(res.body.type).toBe('urn:strangler:problem:database-unavailable');
    } finally {
      // Everything but the database, already gone: the inventory behind its front kept jest from exiting.
      await f.service.stop();
      await f.stub.stop();
      await f.inventory.close();
    }
  });
});
