import request from 'supertest';
import { eventually } from '../../../platform/test-kit/eventually';
import { SagaSchema } from '../src/index';
import { stockOf } from './kit/inventory-front';
import { fiftyForTen, ledger, sagaOf } from './kit/saga';
import { ordersFixture, STOCK, type OrdersFixture } from './kit/orders';

let f: OrdersFixture;
afterEach(() => f.close());

const TWO_LINES = { customerId: 5, lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 3 }] };
const post = (body: object, key: string) => request(f.app).post('/orders').set('Idempotency-Key', key).send(body);
const reservationCalls = () => f.inventory.requests.filter((r) => r.includes('/reservations/')).map((r) => r.replace(/[0-9a-f-]{36}/, 'S'));

describe('the checkout saga', () => {
  it('reserves each line, confirms the order, commits the reservations: stock leaves, the saga is done', async () => {
    f = await ordersFixture();
    const res = await post(TWO_LINES, 'happy');
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('new');
    expect(reservationCalls()).toEqual(['PUT /reservations/S:1', 'PUT /reservations/S:2', 'POST /reservations/S:1/commit', 'POST /reservations/S:2/commit']);
    expect(await f.inventory.level(1)).toEqual({ onHand: 98, reserved: 0, available: 98 });
    expect(await f.inventory.level(2)).toEqual({ onHand: 97, reserved: 0, available: 97 });
    const saga = SagaSchema.parse(await sagaOf(f.app, f.db, res.body.id));
    expect(saga).toMatchObject({ orderId: res.body.id, state: 'done', stuck: false, reason: null });
    expect(saga.steps.map((s) => [s.name, s.state, s.attempts])).toEqual([
      ['reserve:1', 'done', 1], ['reserve:2', 'done', 1], ['confirm', 'done', 1], ['commit:1', 'done', 1], ['commit:2', 'done', 1],
    ]);
  });

  it('out of stock on the last line: releases the earlier lines in reverse order, rejects the order with the reason, answers 409 naming the product', async () => {
    f = await ordersFixture({ stock: [stockOf(1, 10), stockOf(2, 10), stockOf(4, 1)] });
    const body = { customerId: 5, lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }, { productId: 4, quantity: 2 }] };
    f.stub.put({ ...(f.stub.products.get(4) ?? ({} as never)), price: { amount: 700, currency: 'EUR' } });
    const res = await post(body, 'short');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:out-of-stock', productId: 4, requested: 2, available: 1, detail: 'product 4: 2 requested, 1 available' });
    expect(reservationCalls()).toEqual([
      'PUT /reservations/S:1', 'PUT /reservations/S:2', 'PUT /reservations/S:3', 'POST /reservations/S:2/release', 'POST /reservations/S:1/release',
    ]);
    const order = (await request(f.app).get(`/orders/${res.body.orderId}`)).body;
    expect(order).toMatchObject({ status: 'rejected', rejectionReason: 'out-of-stock: product 4 (2 requested, 1 available)' });
    expect(await f.inventory.level(1)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await f.inventory.reservations()).toEqual({ released: 2 });
    expect((await sagaOf(f.app, f.db, res.body.orderId)).state).toBe('rejected');
    // The answer is stored with the key: a retry gets it again, with no second saga.
    const again = await post(body, 'short');
    expect(again.status).toBe(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(res.text);
    expect(await ledger(f.db)).toEqual({ orders: { rejected: 1 }, sagas: { rejected: 1 } });
  });

  it('catalog down: 503 and nothing written, nothing reserved', async () => {
    f = await ordersFixture();
    await f.stub.stop();
    const res = await post(TWO_LINES, 'no-catalog');
    expect(res.status).toBe(503);
    expect(res.body.type).toBe('urn:strangler:problem:catalog-unavailable');
    expect(await f.counts()).toEqual({ orders: 0, lines: 0, keys: 0 });
    expect(f.inventory.requests).toEqual([]);
  });

  it('inventory down before any reservation: 503, the order rejected, nothing reserved or pending, and the key free for a retry', async () => {
    f = await ordersFixture();
    await f.inventory.down();
    const res = await post(TWO_LINES, 'no-inventory');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ type: 'urn:strangler:problem:inventory-unavailable', orderId: 1 });
    expect(await ledger(f.db)).toEqual({ orders: { rejected: 1 }, sagas: { rejected: 1 } });
    expect((await request(f.app).get('/orders/1')).body.rejectionReason).toMatch(/^inventory-unavailable: inventory is unreachable for reserve .*:1 \(ECONNREFUSED\)$/);
    await f.inventory.start();
    expect(await f.inventory.reservations()).toEqual({});
    const retry = await post(TWO_LINES, 'no-inventory');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await ledger(f.db)).toEqual({ orders: { rejected: 1, new: 1 }, sagas: { rejected: 1, done: 1 } });
  });

  it('inventory down after a reservation: 503 at once, the saga retries its compensation, is marked stuck when the budget is spent, and finishes once inventory is back', async () => {
    f = await ordersFixture();
    let reserves = 0;
    f.inventory.fault = ({ method }) => {
      if (method === 'PUT' && ++reserves === 2) {
        // Inventory dies under the second reservation: that request gets no answer, later ones are refused.
        void f.inventory.down();
        return 'hang';
      }
      return 'pass';
    };
    const res = await post(TWO_LINES, 'dies');
    expect(res.status).toBe(503);
    await f.service.checkout.idle();
    const stuck = await sagaOf(f.app, f.db, res.body.orderId);
    expect(stuck).toMatchObject({ state: 'compensating', stuck: true });
    expect(stuck.steps[1]).toMatchObject({ name: 'reserve:2', state: 'attempted', attempts: 5 });
    expect(stuck.steps[1]?.lastError).toMatch(/^release: inventory is unreachable for release .*:2 \(ECONNREFUSED\)$/);
    expect(stuck.steps[0]).toMatchObject({ name: 'reserve:1', state: 'done' });
    // The order keeps its semantic lock while its units may still be held.
    expect((await request(f.app).get(`/orders/${res.body.orderId}`)).body.status).toBe('pending');
    const metrics = (await request(f.app).get('/metrics')).text;
    expect(metrics).toContain('orders_checkout_sagas_stuck 1');
    expect(metrics).toContain('orders_checkout_sagas_unfinished{state="compensating"} 1');
    expect(metrics).toContain('orders_checkout_sagas_total{outcome="unavailable"} 1');
    f.inventory.fault = () => 'pass';
    await f.inventory.start();
    expect((await request(f.app).post(`/sagas/${stuck.id}/retry`)).status).toBe(202);
    await f.service.checkout.idle();
    expect(await sagaOf(f.app, f.db, res.body.orderId)).toMatchObject({ state: 'rejected', stuck: false });
    expect(await f.inventory.level(1)).toEqual({ onHand: 100, reserved: 0, available: 100 });
    // Line 2 was never reserved: its release left a tombstone, so the lost request could not hold stock later.
    expect(await f.inventory.reservations()).toEqual({ released: 2 });
    expect(await ledger(f.db)).toEqual({ orders: { rejected: 1 }, sagas: { rejected: 1 } });
    expect((await request(f.app).post(`/sagas/${stuck.id}/retry`)).status).toBe(409);
  });

  it('a reservation whose answer was lost is released too (it may have been applied)', async () => {
    f = await ordersFixture({ inventoryTimeoutMs: 5000 });
    f.inventory.fault = ({ method, path }) => (method === 'PUT' && path.endsWith(':2') ? 'lose-answer' : 'pass');
    const res = await post(TWO_LINES, 'lost');
    expect(res.status).toBe(503);
    expect(await f.inventory.reservations()).toEqual({ released: 2 });
    expect(await f.inventory.level(2)).toEqual({ onHand: 100, reserved: 0, available: 100 });
    expect(await ledger(f.db)).toEqual({ orders: { rejected: 1 }, sagas: { rejected: 1 } });
  });

  it('inventory failing after the pivot: the order is confirmed (201) and the commits are retried until done', async () => {
    f = await ordersFixture();
    let commits = 0;
    f.inventory.fault = ({ path }) => (path.endsWith('/commit') && ++commits <= 3 ? 'error' : 'pass');
    const res = await post(TWO_LINES, 'late');
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('new');
    await f.service.checkout.idle();
    const saga = await sagaOf(f.app, f.db, res.body.id);
    expect(saga).toMatchObject({ state: 'done', stuck: false });
    expect(saga.steps.find((s) => s.name === 'commit:1')).toMatchObject({ state: 'done', attempts: 4 });
    expect(await f.inventory.reservations()).toEqual({ committed: 2 });
    expect(await f.inventory.level(1)).toEqual({ onHand: 98, reserved: 0, available: 98 });
  });

  it('a saga left committing by a stopped process is finished by the next one’s recovery', async () => {
    f = await ordersFixture();
    f.inventory.fault = ({ path }) => (path.endsWith('/commit') ? 'error' : 'pass');
    const res = await post(TWO_LINES, 'recover-me');
    expect(res.status).toBe(201);
    await f.service.checkout.idle();
    expect(await sagaOf(f.app, f.db, res.body.id)).toMatchObject({ state: 'committing', stuck: true });
    f.inventory.fault = () => 'pass';
    expect(await f.service.checkout.recover()).toBe(1);
    await f.service.checkout.idle();
    expect(await sagaOf(f.app, f.db, res.body.id)).toMatchObject({ state: 'done', stuck: false });
    expect(await f.inventory.reservations()).toEqual({ committed: 2 });
    expect(await f.service.checkout.recover()).toBe(0);
  });

  it('a pending order cannot be moved by a client', async () => {
    f = await ordersFixture();
    f.inventory.fault = ({ method }) => (method === 'PUT' ? 'hang' : 'pass');
    const placing = post(TWO_LINES, 'slow').then((r) => r);
    await eventually(() => f.inventory.requests.length > 0);
    const res = await request(f.app).post('/orders/1/status').send({ status: 'paid' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('urn:strangler:problem:order-pending');
    await f.inventory.down();
    expect((await placing).status).toBe(503);
  });

  it('50 parallel orders for 10 units: exactly 10 confirmed, 40 refused, stock 0, nothing pending afterwards', async () => {
    f = await ordersFixture({ stock: [...STOCK, stockOf(5, 10)] });
    f.stub.put({ ...(f.stub.products.get(1) ?? ({} as never)), id: 5, sku: 'SKU-5' });
    expect(await fiftyForTen(f.app, 5)).toEqual({ confirmed: 10, refused: 40, other: [] });
    await f.service.checkout.idle();
    expect(await f.inventory.level(5)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    expect(await f.inventory.reservations()).toEqual({ committed: 10 });
    expect(await ledger(f.db)).toEqual({ orders: { new: 10, rejected: 40 }, sagas: { done: 10, rejected: 40 } });
  });
});
