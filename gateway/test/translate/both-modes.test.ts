import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { createAcl } from '../../../acl';
import { createLegacyApp, migrateLegacy, seedLegacy } from '../../../legacy-monolith/src/index';
import { createCatalogApp, migrateCatalog, ProductPageSchema, type Product, type ProductPage } from '../../../new-services/catalog/src/index';
import { createInventoryApp, migrateInventory, type Stock } from '../../../new-services/inventory/src/index';
import { createHttpCatalogClient, createHttpInventoryClient, createOrdersApp, migrateOrders, type Order } from '../../../new-services/orders/src/index';
import { openDatabase, silentLogger } from '../../../platform';
import { compileRouteTable, loadRouteTableFile } from '../../src/config/load';
import { aclMappings } from '../../src/translate/acl-adapter';
import { startGateway, type RunningGateway } from '../kit/gateway';

/**
 * The promise of the ACL: the client cannot tell which side answered. The shipped routes.json is
 * loaded twice, once as shipped (v2 routes in mode legacy: the monolith answers through the ACL)
 * and once with the v2 routes in mode new (the services answer); the services hold the monolith's
 * data, loaded through the same ACL and their own batch APIs. Every seeded product and order is
 * then asked of both gateways, and the bodies must be deep-equal.
 *
 * Documented differences: rows the ACL refuses (odd status codes, orders without lines) are 502
 * through legacy and 404 from the services, which never received them; list totals count them on
 * the legacy side only; a product page's `generatedAt` is when that page was produced (through
 * legacy the gateway's request time, the ACL's `$now`; from the catalog the time it answered), so
 * it is never equal across the two, nor across two reads of one side.
 */

const ROOT = path.resolve(__dirname, '../../..');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const servers: Server[] = [];
const dbs: Knex[] = [];
let legacyMode: RunningGateway;
let newMode: RunningGateway;
let legacyUrl: string;
const refused = { products: [] as number[], orders: [] as number[], stock: [] as number[] };

async function serve(app: express.Application): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

/** Loads every legacy row of one kind into a service through the ACL, keeping the ids the ACL refuses. */
async function load<T>(ids: number[], legacyPath: string, mapping: string, batchUrl: string, refusedIds: number[]): Promise<void> {
  const acl = createAcl();
  const items: T[] = [];
  for (const id of ids) {
    const legacy = await json<unknown>(`${legacyUrl}${legacyPath}/${id}`);
    try {
      items.push((await acl.load(mapping).evaluate(legacy.body, { now: new Date() })) as T);
    } catch {
      refusedIds.push(id);
    }
  }
  for (let i = 0; i < items.length; i += 500) {
    const res = await fetch(batchUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: items.slice(i, i + 500) }) });
    expect(res.status).toBe(200);
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

beforeAll(async () => {
  const legacyDb = openDatabase('sqlite::memory:');
  const catalogDb = openDatabase('sqlite::memory:');
  const ordersDb = openDatabase('sqlite::memory:');
  const inventoryDb = openDatabase('sqlite::memory:');
  dbs.push(legacyDb, catalogDb, ordersDb, inventoryDb);
  await migrateLegacy(legacyDb);
  await seedLegacy(legacyDb);
  legacyUrl = await serve(createLegacyApp({ db: legacyDb, logger: quiet }));
  await migrateCatalog(catalogDb);
  const catalogUrl = await serve(createCatalogApp({ db: catalogDb, logger: silentLogger }));
  await migrateInventory(inventoryDb);
  const inventoryUrl = await serve(createInventoryApp({ db: inventoryDb, logger: silentLogger }));
  await migrateOrders(ordersDb);
  const ordersUrl = await serve(
    createOrdersApp({ db: ordersDb, catalog: createHttpCatalogClient({ baseUrl: catalogUrl }), inventory: createHttpInventoryClient({ baseUrl: inventoryUrl }), logger: quiet }),
  );

  await load<Product>(range(500), '/api/products', 'catalog/product-read', `${catalogUrl}/products/batch`, refused.products);
  await load<Order>(range(300), '/api/orders', 'orders/order-read', `${ordersUrl}/orders/batch`, refused.orders);
  await load<Stock>(range(500), '/api/inventory', 'inventory/stock-read', `${inventoryUrl}/inventory/batch`, refused.stock);

  const options = { upstreamUrls: { monolith: legacyUrl, catalog: catalogUrl, orders: ordersUrl, inventory: inventoryUrl }, mappings: aclMappings() };
  legacyMode = await startGateway(loadRouteTableFile(path.join(ROOT, 'routes.json'), options));
  const table = JSON.parse(readFileSync(path.join(ROOT, 'routes.json'), 'utf8')) as { routes: { id: string; mode: string }[] };
  for (const route of table.routes) if (route.id.startsWith('v2.')) route.mode = 'new';
  newMode = await startGateway(compileRouteTable(table, 'routes.json (v2 routes in mode new)', options));
}, 120_000);

afterAll(async () => {
  await legacyMode?.close();
  await newMode?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await Promise.all(dbs.map((db) => db.destroy()));
});

describe('the same request in mode legacy and in mode new', () => {
  it('ships the v2 routes in mode legacy', () => {
    const v2 = legacyMode.gateway.table().routes.filter((r) => r.id.startsWith('v2.'));
    expect(v2.map((r) => [r.id, r.mode])).toEqual([
      ['v2.products', 'legacy'],
      ['v2.orders', 'legacy'],
      ['v2.inventory', 'legacy'],
    ]);
  });

  it('answers every seeded stock level with a deep-equal Stock', async () => {
    expect(refused.stock).toEqual([]);
    for (const id of range(500)) {
      const [viaLegacy, viaNew] = await Promise.all([json<unknown>(`${legacyMode.url}/api/v2/inventory/${id}`), json<unknown>(`${newMode.url}/api/v2/inventory/${id}`)]);
      expect([id, viaLegacy.status, viaNew.status]).toEqual([id, 200, 200]);
      expect(viaNew.body).toEqual(viaLegacy.body);
    }
    const page = '/api/v2/inventory?page=3&size=50';
    expect((await json<unknown>(newMode.url + page)).body).toEqual((await json<unknown>(legacyMode.url + page)).body);
  }, 60_000);

  it('answers every seeded product with a deep-equal Product', async () => {
    expect(refused.products.length).toBeLessThan(10); // the seed's deliberate dirt, not a broken mapping
    for (const id of range(500)) {
      const [viaLegacy, viaNew] = await Promise.all([json<unknown>(`${legacyMode.url}/api/v2/products/${id}`), json<unknown>(`${newMode.url}/api/v2/products/${id}`)]);
      if (refused.products.includes(id)) {
        expect([id, viaLegacy.status, viaNew.status]).toEqual([id, 502, 404]);
      } else {
        expect([id, viaLegacy.status, viaNew.status]).toEqual([id, 200, 200]);
        expect(viaNew.body).toEqual(viaLegacy.body);
      }
    }
  }, 60_000);

  it('answers every seeded order with a deep-equal Order', async () => {
    expect(refused.orders).toContain(9); // the seeded order without lines
    for (const id of range(300)) {
      const [viaLegacy, viaNew] = await Promise.all([json<unknown>(`${legacyMode.url}/api/v2/orders/${id}`), json<unknown>(`${newMode.url}/api/v2/orders/${id}`)]);
      if (refused.orders.includes(id)) {
        expect([id, viaLegacy.status, viaNew.status]).toEqual([id, 502, 404]);
      } else {
        expect([id, viaLegacy.status, viaNew.status]).toEqual([id, 200, 200]);
        expect(viaNew.body).toEqual(viaLegacy.body);
      }
    }
  }, 60_000);

  it('answers a product page of clean rows identically, apart from the documented total and generatedAt', async () => {
    const page = `/api/v2/products?page=4&size=50`;
    const before = Date.now();
    const [viaLegacy, viaNew] = await Promise.all([json<ProductPage>(legacyMode.url + page), json<ProductPage>(newMode.url + page)]);
    const after = Date.now();
    expect(viaLegacy.status).toBe(200);
    // Both are pages of the contract, each stamped to the millisecond with when it was produced, during this request.
    for (const side of [viaLegacy, viaNew]) {
      expect(ProductPageSchema.parse(side.body).generatedAt).toMatch(/\.\d{3}Z$/);
      expect(Date.parse(side.body.generatedAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(side.body.generatedAt)).toBeLessThanOrEqual(after);
    }
    expect(viaLegacy.body.items.map((p) => p.id)).toEqual(range(50).map((i) => 150 + i));
    // The services never received the refused rows, so their page 4 is the 151st to 200th row they hold.
    const held = range(500).filter((id) => !refused.products.includes(id));
    expect(viaNew.body.items.map((p) => p.id)).toEqual(held.slice(150, 200));
    const byId = new Map(viaLegacy.body.items.map((p) => [p.id, p]));
    const shared = viaNew.body.items.filter((p) => byId.has(p.id));
    expect(shared.length).toBeGreaterThan(40);
    for (const p of shared) expect(p).toEqual(byId.get(p.id));
    expect(viaLegacy.body.total - viaNew.body.total).toBe(refused.products.length);
  });

  it('creates an order through either side with one body in the new contract, and answers an Order both times', async () => {
    const body = JSON.stringify({ customerId: 3, lines: [{ productId: 2, quantity: 1 }] });
    const init = (key: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body });
    const viaLegacy = await json<Order>(`${legacyMode.url}/api/v2/orders`, init('both-modes-1'));
    const viaNew = await json<Order>(`${newMode.url}/api/v2/orders`, init('both-modes-2'));
    expect([viaLegacy.status, viaNew.status]).toEqual([201, 201]);
    const strip = ({ id: _id, placedAt: _p, updatedAt: _u, ...rest }: Order) => rest;
    expect(strip(viaNew.body)).toEqual(strip(viaLegacy.body));
  });
});
