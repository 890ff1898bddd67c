import request from 'supertest';
import { ordersFixture, type OrdersFixture } from './kit/orders';

const BODY = { customerId: 5, lines: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 4 }] };

describe('POST /orders when the catalog fails', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture({ catalogTimeoutMs: 200 });
  });
  afterEach(() => f.close());

  const expectUnavailable = async (reason: string): Promise<void> => {
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'k').send(BODY);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:catalog-unavailable', title: 'Catalog unavailable', status: 503, reason });
    expect(await f.counts()).toEqual({ orders: 0, lines: 0, keys: 0 });
  };

  it('catalog down → 503 and nothing written, not even the key', async () => {
    await f.stub.stop();
    await expectUnavailable('unreachable');
  });

  it('catalog too slow → 503 after the timeout', async () => {
    // The catalog never answers: the 503 can only come from the client's timeout (that it is the
    // configured one: catalog-client.test.ts).
    f.stub.mode = 'hang';
    await expectUnavailable('timeout');
  });

  it('catalog 5xx → 503', async () => {
    f.stub.mode = 'error';
    await expectUnavailable('server-error');
  });

  it('the same key works once the catalog is back', async () => {
    f.stub.mode = 'error';
    await expectUnavailable('server-error');
    f.stub.mode = 'up';
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'k').send(BODY);
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });
});
