import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type express from 'express';
import type { Knex } from 'knex';
import { createAcl } from '../../../acl';
import { createLegacyApp, migrateLegacy, seedLegacy } from '../../../legacy-monolith/src/index';
import { createCatalogApp, migrateCatalog } from '../../../new-services/catalog/src/index';
import { createInventoryApp, migrateInventory, type Stock } from '../../../new-services/inventory/src/index';
import { createHttpCatalogClient, createHttpInventoryClient, createOrdersApp, migrateOrders, type InventoryClient } from '../../../new-services/orders/src/index';
import { openDatabase, silentLogger } from '../../../platform';
import { compileRouteTable } from '../../src/config/load';
import { aclMappings } from '../../src/translate/acl-adapter';
import { startGateway, type RunningGateway } from '../kit/gateway';

/**
 * The order handover is a flip, not a code change: with the shipped routes.json and `v2.orders`,
 * `inventory` and `orders` in mode new, the monolith's own order reads (`/api/orders/*`) are
 * answered by the orders service through the reverse mapping `orders/order-to-legacy`, in the
 * monolith's shape. An order the saga placed reads as the monolith's N, one it still holds
 * (`pending`) as N, and one it rejected as C.
 */

const ROOT = path.resolve(__dirname, '../../..');
const servers: Server[] = [];
const dbs: Knex[] = [];
let legacyUrl: string;
let legacyMode: RunningGateway;
let handedOver: RunningGateway;
let productId: number;
let available: number;

/** Holds the next reserve until released: a checkout caught between "pending" and its decision, with no clock. */
let hold: { reached: () => void; go: Promise<void> } | undefined;

async function serve(app: express.Application): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function json<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

const checkout = (key: string, quantity: number) =>
  json(`${handedOver.url}/api/v2/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ customerId: 7, note: null, lines: [{ productId, quantity }] }),
  });

/** Every legacy row of one kind through its read mapping into a service's batch door; rows the ACL refuses are left out. */
async function load(legacyPath: string, mapping: string, batchUrl: string): Promise<unknown[]> {
  const acl = createAcl();
  const items: unknown[] = [];
  for (let id = 1; id <= 60; id++) {
    const legacy = await json<unknown>(`${legacyUrl}${legacyPath}/${id}`);
    try {
      items.push(await acl.load(mapping).evaluate(legacy.body, { now: new Date() }));
    } catch {
      // a dirty legacy row: not moved
    }
  }
  const res = await fetch(batchUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  expect(res.status).toBe(200);
  return items;
}

beforeAll(async () => {
  const legacyDb = openDatabase('sqlite::memory:');
  const catalogDb = openDatabase('sqlite::memory:');
  const inventoryDb = openDatabase('sqlite::memory:');
  const ordersDb = openDatabase('sqlite::memory:');
  dbs.push(legacyDb, catalogDb, inventoryDb, ordersDb);
  await migrateLegacy(legacyDb);
  await seedLegacy(legacyDb, { rows: 60 });
  legacyUrl = await serve(createLegacyApp({ db: legacyDb, logger: silentLogger }));
  await migrateCatalog(catalogDb);
  const catalogUrl = await serve(createCatalogApp({ db: catalogDb, logger: silentLogger }));
  await migrateInventory(inventoryDb);
  const inventoryUrl = await serve(createInventoryApp({ db: inventoryDb, logger: silentLogger }));

  const products = (await load('/api/products', 'catalog/product-read', `${catalogUrl}/products/batch`)) as Array<{ id: number; status: string }>;
  const sellable = products.find((p) => p.status === 'active');
  if (sellable === undefined) throw new Error('the seed has no active product');
  productId = sellable.id;
  // Inventory owns stock after the handover: five units of the product, set in the service itself.
  available = 5;
  const stock: Stock = { productId, onHand: available, reserved: 0, available, updatedAt: '2024-01-02T03:04:05Z' };
  const stocked = await fetch(`${inventoryUrl}/inventory/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [stock] }) });
  expect(stocked.status).toBe(200);

  const http = createHttpInventoryClient({ baseUrl: inventoryUrl });
  const inventory: InventoryClient = {
    ...http,
    reserve: async (...args) => {
      const h = hold;
      hold = undefined;
      if (h !== undefined) {
        h.reached();
        await h.go;
      }
      return http.reserve(...args);
    },
    commit: (id) => http.commit(id),
    release: (id) => http.release(id),
    stock: (id) => http.stock(id),
  };
  await migrateOrders(ordersDb);
  const ordersUrl = await serve(createOrdersApp({ db: ordersDb, catalog: createHttpCatalogClient({ baseUrl: catalogUrl }), inventory, logger: silentLogger }));

  const options = { upstreamUrls: { monolith: legacyUrl, catalog: catalogUrl, orders: ordersUrl, inventory: inventoryUrl }, mappings: aclMappings() };
  const table = JSON.parse(readFileSync(path.join(ROOT, 'routes.json'), 'utf8')) as { routes: Array<{ id: string; mode: string }> };
  legacyMode = await startGateway(compileRouteTable(table, 'routes.json', options));
  for (const route of table.routes) if (['v2.orders', 'inventory', 'orders'].includes(route.id)) route.mode = 'new';
  handedOver = await startGateway(compileRouteTable(table, 'routes.json (checkout handed over)', options));
}, 60_000);

afterAll(async () => {
  await legacyMode?.close();
  await handedOver?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await Promise.all(dbs.map((db) => db.destroy()));
});

describe('legacy order reads after the handover', () => {
  it('show an order placed by the saga in the monolith’s shape, key for key, as a new order (N)', async () => {
    const placed = await checkout('handover-order-1', 2);
    expect(placed.status).toBe(201);
    const order = placed.body as { id: number; status: string; total: { amount: number }; lines: Array<{ unitPrice: { amount: number } }> };
    expect(order.status).toBe('new');

    const monolithsOwn = await json(`${legacyMode.url}/api/orders/1`);
    const read = await json(`${handedOver.url}/api/orders/${order.id}`);
    expect(read.status).toBe(200);
    expect(Object.keys(read.body)).toEqual(Object.keys(monolithsOwn.body));
    const cents = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
    expect(read.body).toMatchObject({ ORD_ID: order.id, CUST_ID: 7, ORD_STS: 'N', ORD_TOT_AMT: cents(order.total.amount), ORD_SHP_TS: null, ORD_RMK: null });
    const lines = read.body.LINES as Array<Record<string, unknown>>;
    expect(lines.map((l) => Object.keys(l))).toEqual([Object.keys((monolithsOwn.body.LINES as object[])[0]!)]);
    expect(lines[0]).toMatchObject({ ORD_ID: order.id, ORD_LN_NO: 1, PRD_ID: productId, ORD_LN_QTY: 2, ORD_LN_PRC: cents(order.lines[0]!.unitPrice.amount) });
  });

  it('show an order the saga still holds (pending) as N, and the same order rejected as C', async () => {
    let reached!: () => void;
    const atReserve = new Promise<void>((r) => (reached = r));
    let go!: () => void;
    hold = { reached, go: new Promise<void>((r) => (go = r)) };
    const refused = checkout('handover-order-2', available + 1);
    await atReserve;

    const page = await json<{ ROWS: Array<Record<string, unknown>> }>(`${handedOver.url}/api/orders?page=1&size=50`);
    expect(page.status).toBe(200);
    const held = page.body.ROWS.at(-1)!;
    const orderId = held.ORD_ID as number;
    const pendingInService = await json(`${handedOver.url}/api/v2/orders/${orderId}`);
    expect(pendingInService.body.status).toBe('pending');
    expect(held).toMatchObject({ ORD_STS: 'N', CUST_ID: 7 });
    expect((await json(`${handedOver.url}/api/orders/${orderId}`)).body.ORD_STS).toBe('N');

    go();
    const answer = await refused;
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ orderId, productId });
    expect((await json(`${handedOver.url}/api/v2/orders/${orderId}`)).body.status).toBe('rejected');
    const rejected = await json(`${handedOver.url}/api/orders/${orderId}`);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ ORD_ID: orderId, ORD_STS: 'C' });
    expect(rejected.body).not.toHaveProperty('rejectionReason');
  });

  it('are the monolith’s own answers in mode legacy (the shipped mode): the flip is per route', async () => {
    const own = await json(`${legacyMode.url}/api/orders/1`);
    expect(own.status).toBe(200);
    expect(own.body.ORD_ID).toBe(1);
  });
});
