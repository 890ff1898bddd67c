import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { stockOf } from './kit/inventory-front';
import { ordersFixture, STOCK, type OrdersFixture } from './kit/orders';
import { fiftyForTen, ledger, sagaOf } from './kit/saga';

if (!process.env.STRANGLER_TEST_MYSQL_URL) {
  // Never skip: a MySQL suite that silently passes without MySQL proves nothing.
  throw new Error('STRANGLER_TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306); the MySQL suite cannot run');
}

let ordersDb: TestDatabase;
let inventoryDb: TestDatabase;
let f: OrdersFixture;

beforeAll(async () => {
  ordersDb = await createTestDatabase();
  inventoryDb = await createTestDatabase();
  f = await ordersFixture({ url: ordersDb.url, inventoryUrl: inventoryDb.url, stock: [...STOCK, stockOf(5, 10), stockOf(6, 1)] });
  f.stub.put({ ...(f.stub.products.get(1) ?? ({} as never)), id: 5, sku: 'SKU-5' }, { ...(f.stub.products.get(1) ?? ({} as never)), id: 6, sku: 'SKU-6' });
});

afterAll(async () => {
  await f?.close();
  await ordersDb?.drop();
  await inventoryDb?.drop();
});

describe('checkout saga on MariaDB (orders and inventory each on their own database)', () => {
  it('50 parallel orders for 10 units: exactly 10 confirmed, 40 refused, stock 0, nothing pending afterwards', async () => {
    expect(await fiftyForTen(f.app, 5)).toEqual({ confirmed: 10, refused: 40, other: [] });
    await f.service.checkout.idle();
    expect(await f.inventory.level(5)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    expect(await f.inventory.reservations()).toEqual({ committed: 10 });
    expect(await ledger(f.db)).toEqual({ orders: { new: 10, rejected: 40 }, sagas: { done: 10, rejected: 40 } });
  });

  it('out of stock on the second line releases the first and rejects the order; a retry replays the 409', async () => {
    const body = { customerId: 2, lines: [{ productId: 1, quantity: 1 }, { productId: 6, quantity: 2 }] };
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'my-short').send(body);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ productId: 6, requested: 2, available: 1 });
    expect(await f.inventory.level(1)).toEqual({ onHand: 100, reserved: 0, available: 100 });
    expect((await sagaOf(f.app, f.db, res.body.orderId)).state).toBe('rejected');
    const again = await request(f.app).post('/orders').set('Idempotency-Key', 'my-short').send(body);
    expect(again.text).toBe(res.text);
  });

  it('a commit failing after the pivot is retried until done', async () => {
    let commits = 0;
    f.inventory.fault = ({ path }) => (path.endsWith('/commit') && ++commits <= 2 ? 'error' : 'pass');
    const res = await request(f.app).post('/orders').set('Idempotency-Key', 'my-late').send({ customerId: 3, lines: [{ productId: 2, quantity: 4 }] });
    f.inventory.fault = () => 'pass';
    expect(res.status).toBe(201);
    await f.service.checkout.idle();
    expect(await sagaOf(f.app, f.db, res.body.id)).toMatchObject({ state: 'done', stuck: false });
    expect(await f.inventory.level(2)).toEqual({ onHand: 96, reserved: 0, available: 96 });
  });
});
