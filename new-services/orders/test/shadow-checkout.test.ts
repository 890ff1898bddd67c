import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import request from 'supertest';
import { createCatalogApp, migrateCatalog } from '../../catalog/src/index';
import { openDatabase, silentLogger } from '../../../platform';
import { createHttpCatalogClient, createHttpInventoryClient, createOrdersService, migrateOrders, type OrdersService } from '../src/index';
import { product } from './kit/catalog-stub';
import { startInventoryFront, stockOf, type InventoryFront } from './kit/inventory-front';

/** Every row of every table of a SQLite database, in a stable order. */
async function everyRow(db: Knex): Promise<Record<string, unknown[]>> {
  const tables: Array<{ name: string }> = await db('sqlite_master').where('type', 'table').select('name').orderBy('name');
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = await db(name).select().orderByRaw('rowid');
  return out;
}

describe('a shadowed checkout runs dry', () => {
  let catalogDb: Knex;
  let ordersDb: Knex;
  let catalogServer: Server;
  let inventory: InventoryFront;
  let orders: OrdersService;
  beforeAll(async () => {
    catalogDb = openDatabase('sqlite::memory:');
    await migrateCatalog(catalogDb);
    const catalogApp = createCatalogApp({ db: catalogDb, logger: silentLogger });
    await request(catalogApp).post('/products/batch').send({ items: [product(1, 1250), product(2, 399)] }).expect(200);
    catalogServer = await new Promise<Server>((resolve) => {
      const s = catalogApp.listen(0, '127.0.0.1', () => resolve(s));
    });
    inventory = await startInventoryFront([stockOf(1, 5), stockOf(2, 1)]);
    ordersDb = openDatabase('sqlite::memory:');
    await migrateOrders(ordersDb);
    orders = createOrdersService({
      db: ordersDb,
      catalog: createHttpCatalogClient({ baseUrl: `http://127.0.0.1:${(catalogServer.address() as AddressInfo).port}` }),
      inventory: createHttpInventoryClient({ baseUrl: inventory.url }),
      logger: silentLogger,
    });
    // One real order first, so the dry run's provisional id and the tables are not trivially empty.
    await request(orders.app).post('/orders').set('Idempotency-Key', 'real').send({ customerId: 1, lines: [{ productId: 1, quantity: 1 }] }).expect(201);
    inventory.requests.length = 0;
  });
  afterAll(async () => {
    await orders.stop();
    await new Promise((resolve) => catalogServer.close(resolve));
    await inventory.close();
    await catalogDb.destroy();
    await ordersDb.destroy();
  });

  const shadow = (key: string, lines: object[]) =>
    request(orders.app).post('/orders').set('Idempotency-Key', key).set('x-strangler-shadow', '1').send({ customerId: 2, lines });

  it('validates, prices and checks stock, reserves nothing, and changes no row in the orders, inventory or catalog database', async () => {
    const before = await Promise.all([everyRow(ordersDb), everyRow(inventory.db), everyRow(catalogDb)]);
    const placed = await shadow('s-1', [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }]);
    expect(placed.status).toBe(201);
    expect(placed.headers['x-strangler-shadow']).toBe('1');
    expect(placed.body).toMatchObject({ id: 2, status: 'new', total: { amount: 2899, currency: 'EUR' } });
    const short = await shadow('s-2', [{ productId: 2, quantity: 2 }]);
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({ type: 'urn:strangler:problem:out-of-stock', productId: 2, requested: 2, available: 1 });
    expect(short.body.orderId).toBeUndefined();
    expect(await Promise.all([everyRow(ordersDb), everyRow(inventory.db), everyRow(catalogDb)])).toEqual(before);
    // Inventory was only read.
    expect(inventory.requests).toEqual(['GET /inventory/1', 'GET /inventory/2', 'GET /inventory/2']);
    // And the keys stay unused: the real request with the same key is a first checkout.
    expect((await request(orders.app).post('/orders').set('Idempotency-Key', 's-1').send({ customerId: 2, lines: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }] })).status).toBe(201);
  });
});
