import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importedOrder, ordersFixture, type OrdersFixture } from './kit/orders';

const BODY = { customerId: 5, lines: [{ productId: 1, quantity: 2 }] };

describe('x-strangler-shadow: a mirrored write has no side effect', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture();
    await request(f.app).post('/orders/batch').send({ items: [importedOrder(1, { status: 'new' })] }).expect(200);
  });
  afterEach(() => f.close());

  const shadow = (req: request.Test) => req.set('x-strangler-shadow', '1');

  it('POST /orders validates, prices and answers as if created with a provisional id, writing nothing', async () => {
    const before = await f.counts();
    const res = await shadow(request(f.app).post('/orders').set('Idempotency-Key', 'mirrored')).send(BODY);
    expect(res.status).toBe(201);
    expect(res.headers['x-strangler-shadow']).toBe('1');
    expect(res.headers.location).toBe('/orders/2');
    expect(res.body).toMatchObject({ id: 2, status: 'new', total: { amount: 2500, currency: 'EUR' } });
    expect(f.stub.requests).toEqual([1]);
    expect(await f.counts()).toEqual(before);
    // Not even the key was recorded: the real request with that key creates the order.
    const real = await request(f.app).post('/orders').set('Idempotency-Key', 'mirrored').send(BODY);
    expect(real.status).toBe(201);
    expect(real.headers['idempotent-replayed']).toBeUndefined();
    expect(real.body).toEqual(res.body);
  });

  it('still refuses what the real request would refuse', async () => {
    const missingKey = await shadow(request(f.app).post('/orders')).send(BODY);
    expect(missingKey.status).toBe(400);
    const discontinued = await shadow(request(f.app).post('/orders').set('Idempotency-Key', 'x')).send({ customerId: 1, lines: [{ productId: 3, quantity: 1 }] });
    expect(discontinued.status).toBe(409);
  });

  it('a shadow retry of a real request is answered from the record, without writing', async () => {
    const real = await request(f.app).post('/orders').set('Idempotency-Key', 'k').send(BODY);
    const copy = await shadow(request(f.app).post('/orders').set('Idempotency-Key', 'k')).send(BODY);
    expect(copy.body).toEqual(real.body);
    expect(copy.headers['idempotent-replayed']).toBe('true');
    expect(await f.counts()).toEqual({ orders: 2, lines: 3, keys: 1 });
  });

  it('POST /orders/:id/status answers the new state without storing it', async () => {
    const res = await shadow(request(f.app).post('/orders/1/status')).send({ status: 'paid' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('paid');
    expect((await request(f.app).get('/orders/1')).body.status).toBe('new');
    expect((await shadow(request(f.app).post('/orders/1/status')).send({ status: 'shipped' })).status).toBe(409);
  });

  it('POST /orders/batch counts without writing', async () => {
    const res = await shadow(request(f.app).post('/orders/batch')).send({ items: [importedOrder(1), importedOrder(2)] });
    expect(res.body).toEqual({ inserted: 1, updated: 1, unchanged: 0 });
    expect(await f.counts()).toEqual({ orders: 1, lines: 2, keys: 0 });
    expect((await request(f.app).get('/orders/1')).body.status).toBe('new');
  });

  it('x-strangler-shadow: 0 is an ordinary request', async () => {
    await request(f.app).post('/orders').set('Idempotency-Key', 'k0').set('x-strangler-shadow', '0').send(BODY).expect(201);
    expect((await f.counts()).orders).toBe(2);
  });

  it('the rule is documented in the README', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain('x-strangler-shadow');
    expect(readme).toMatch(/provisional id/);
  });
});
