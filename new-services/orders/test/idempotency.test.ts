import request from 'supertest';
import { ordersFixture, type OrdersFixture } from './kit/orders';

const BODY = { customerId: 5, lines: [{ productId: 1, quantity: 1 }] };

describe('POST /orders idempotency', () => {
  let f: OrdersFixture;
  beforeEach(async () => {
    f = await ordersFixture();
  });
  afterEach(() => f.close());

  const post = (key: string, body: object = BODY) => request(f.app).post('/orders').set('Idempotency-Key', key).send(body);

  it('replays a retry with the same answer and creates nothing', async () => {
    const first = await post('retry-me');
    f.stub.requests.length = 0;
    // Same request, keys in another order and note spelled out as null: still the same request.
    const again = await post('retry-me', { lines: [{ quantity: 1, productId: 1 }], note: null, customerId: 5 });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);
    expect(again.text).toBe(first.text);
    expect(f.stub.requests).toEqual([]);
    expect(await f.counts()).toEqual({ orders: 1, lines: 1, keys: 1 });
  });

  it('replays the first answer even after the order moved on', async () => {
    const first = await post('k');
    await request(f.app).post('/orders/1/status').send({ status: 'paid' }).expect(200);
    const again = await post('k');
    expect(again.body).toEqual(first.body);
    expect(again.body.status).toBe('new');
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    await post('k');
    const res = await post('k', { ...BODY, customerId: 6 });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('urn:strangler:problem:idempotency-key-reused');
    expect(await f.counts()).toEqual({ orders: 1, lines: 1, keys: 1 });
  });

  it('different keys make different orders', async () => {
    await post('a');
    await post('b');
    expect(await f.counts()).toEqual({ orders: 2, lines: 2, keys: 2 });
  });

  it('parallel duplicates with one key produce one order and the same answer', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('race')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    // In one process the duplicates wait for the first one's saga and replay its answer: one pricing, one saga, one reservation.
    expect(f.stub.requests).toHaveLength(1);
    expect(await f.counts()).toEqual({ orders: 1, lines: 1, keys: 1 });
    expect(await f.inventory.reservations()).toEqual({ committed: 1 });
  });
});
