import request from 'supertest';
import { OrderSchema } from '../src/index';
import { FIXED_ISO, ordersFixture, type OrdersFixture } from './kit/orders';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('POST /orders', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture();
  });
  afterEach(() => f.close());

  /** `key: null` sends no Idempotency-Key header at all. */
  const post = (body: unknown, key: string | null = 'k-1') => {
    const req = request(f.app).post('/orders');
    return key === null ? req.send(body as object) : req.set('Idempotency-Key', key).send(body as object);
  };

  it('prices each line from the catalog, stores the order and answers 201 with its Location', async () => {
    const res = await post({ customerId: 42, note: 'leave at the door', lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/orders/1');
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(OrderSchema.parse(res.body)).toEqual({
      id: 1,
      customerId: 42,
      status: 'new',
      note: 'leave at the door',
      lines: [
        { lineNo: 1, productId: 1, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' }, amount: { amount: 2500, currency: 'EUR' } },
        { lineNo: 2, productId: 2, quantity: 1, unitPrice: { amount: 399, currency: 'EUR' }, amount: { amount: 399, currency: 'EUR' } },
      ],
      total: { amount: 2899, currency: 'EUR' },
      placedAt: FIXED_ISO,
      updatedAt: FIXED_ISO,
    });
    expect(await f.counts()).toEqual({ orders: 1, lines: 2, keys: 1 });
    expect((await request(f.app).get('/orders/1')).body).toEqual(res.body);
    // The same product twice is looked up once.
    expect([...f.stub.requests].sort()).toEqual([1, 2]);
  });

  it('uses the price the catalog has now, whatever it was before', async () => {
    f.stub.put({ ...(f.stub.products.get(2) ?? ({} as never)), price: { amount: 450, currency: 'EUR' } });
    const res = await post({ customerId: 1, lines: [{ productId: 2, quantity: 2 }] });
    expect(res.body.total).toEqual({ amount: 900, currency: 'EUR' });
  });

  it('refuses client-sent prices: the contract has no such field', async () => {
    const res = await post({ customerId: 1, lines: [{ productId: 1, quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'lines[0]' })]);
    expect(await f.counts()).toEqual({ orders: 0, lines: 0, keys: 0 });
  });

  it('requires an Idempotency-Key of 1 to 200 characters', async () => {
    for (const key of [null, '', 'x'.repeat(201)]) {
      const res = await post({ customerId: 1, lines: [{ productId: 1, quantity: 1 }] }, key);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ type: 'urn:strangler:problem:missing-idempotency-key', status: 400 });
    }
    expect((await post({ customerId: 1, lines: [{ productId: 1, quantity: 1 }] }, 'x'.repeat(200))).status).toBe(201);
  });

  it('lists every invalid field with its path', async () => {
    const res = await post({ customerId: -1, note: 5, lines: [{ productId: 0, quantity: 0 }, { productId: 1 }], extra: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:invalid-body', title: 'Request body does not fit the contract', status: 400 });
    const paths = (res.body.errors as Array<{ path: string; message: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['', 'customerId', 'lines[0].productId', 'lines[0].quantity', 'lines[1].quantity', 'note']);
    for (const e of res.body.errors as Array<{ message: string }>) expect(e.message).not.toBe('');
  });

  it('refuses an empty order', async () => {
    const res = await post({ customerId: 1, lines: [] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'lines', message: 'an order has at least one line' }]);
  });

  it('answers 400 problem+json to a body that is not JSON', async () => {
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'k').set('content-type', 'application/json').send('{"customerId":');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:invalid-json', detail: 'request body is not valid JSON' });
  });

  it('names the line of a product the catalog does not know (422), writing nothing', async () => {
    const res = await post({ customerId: 1, lines: [{ productId: 1, quantity: 1 }, { productId: 99, quantity: 1 }] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:unknown-product', errors: [{ path: 'lines[1].productId', message: 'product 99 does not exist' }] });
    expect(await f.counts()).toEqual({ orders: 0, lines: 0, keys: 0 });
  });

  it('refuses a discontinued product (409), writing nothing', async () => {
    const res = await post({ customerId: 1, lines: [{ productId: 3, quantity: 1 }] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:product-not-orderable', errors: [{ path: 'lines[0].productId' }] });
    expect(res.body.detail).toContain('discontinued');
    expect(await f.counts()).toEqual({ orders: 0, lines: 0, keys: 0 });
  });

  it('refuses products in two currencies through the domain (422)', async () => {
    const res = await post({ customerId: 1, lines: [{ productId: 1, quantity: 1 }, { productId: 4, quantity: 1 }] });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('urn:strangler:problem:order-invariant-violated');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'lines[1].unitPrice.currency' })]));
  });
});
