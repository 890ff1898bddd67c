import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type express from 'express';
import type { Knex } from 'knex';
import { createAcl } from '../../../acl';
import { createLegacyApp, migrateLegacy, seedLegacy } from '../../../legacy-monolith/src/index';
import { createInventoryApp, migrateInventory } from '../../../new-services/inventory/src/index';
import { openDatabase, silentLogger } from '../../../platform';
import { compileRouteTable } from '../../src/config/load';
import { aclMappings } from '../../src/translate/acl-adapter';
import { startGateway, type RunningGateway } from '../kit/gateway';

/**
 * The stock handover is a flip, not a code change: with the shipped routes.json and only the
 * `inventory` route's mode changed to new, the monolith's own stock reads (`/api/inventory/*`)
 * are answered by the inventory service through the reverse mapping, in the monolith's shape,
 * and show stock that moved in inventory.
 */

const ROOT = path.resolve(__dirname, '../../..');
const servers: Server[] = [];
const dbs: Knex[] = [];
let legacyUrl: string;
let inventoryUrl: string;
let legacyMode: RunningGateway;
let handedOver: RunningGateway;

async function serve(app: express.Application): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  const legacyDb = openDatabase('sqlite::memory:');
  const inventoryDb = openDatabase('sqlite::memory:');
  dbs.push(legacyDb, inventoryDb);
  await migrateLegacy(legacyDb);
  await seedLegacy(legacyDb, { rows: 60 });
  legacyUrl = await serve(createLegacyApp({ db: legacyDb, logger: silentLogger }));
  await migrateInventory(inventoryDb);
  inventoryUrl = await serve(createInventoryApp({ db: inventoryDb, logger: silentLogger }));
  // The backfill in small: every balance through inventory/stock-read into the batch door.
  const page = (await get(`${legacyUrl}/api/inventory?size=100`)).body;
  const stock = await createAcl().load('inventory/stock-read').evaluate(page, { now: new Date() });
  const loaded = await fetch(`${inventoryUrl}/inventory/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: (stock as { items: unknown[] }).items }) });
  expect(loaded.status).toBe(200);

  const options = { upstreamUrls: { monolith: legacyUrl, catalog: 'http://127.0.0.1:9', orders: 'http://127.0.0.1:9', inventory: inventoryUrl }, mappings: aclMappings() };
  const table = JSON.parse(readFileSync(path.join(ROOT, 'routes.json'), 'utf8')) as { routes: Array<{ id: string; mode: string }> };
  legacyMode = await startGateway(compileRouteTable(table, 'routes.json', options));
  for (const route of table.routes) if (route.id === 'inventory') route.mode = 'new';
  handedOver = await startGateway(compileRouteTable(table, 'routes.json (inventory handed over)', options));
}, 60_000);

afterAll(async () => {
  await legacyMode?.close();
  await handedOver?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await Promise.all(dbs.map((db) => db.destroy()));
});

describe('legacy stock reads after the handover', () => {
  it('answer in the monolith’s shape, the same stock, key for key (the reorder level, not kept by the new model, is null)', async () => {
    for (const id of [1, 2, 7, 13, 60]) {
      const [before, after] = await Promise.all([get(`${legacyMode.url}/api/inventory/${id}`), get(`${handedOver.url}/api/inventory/${id}`)]);
      expect([id, before.status, after.status]).toEqual([id, 200, 200]);
      expect(Object.keys(after.body)).toEqual(Object.keys(before.body));
      expect(after.body).toEqual({ ...before.body, INV_REORD_LVL: null });
    }
    const page = await get(`${handedOver.url}/api/inventory?page=2&size=5`);
    expect(page.body).toMatchObject({ PAGE: 2, SIZE: 5, TOTAL: 60 });
    expect((page.body.ROWS as Array<{ PRD_ID: number }>).map((r) => r.PRD_ID)).toEqual([6, 7, 8, 9, 10]);
  });

  it('show stock that moved in inventory, which the monolith’s own table no longer knows', async () => {
    const before = (await get(`${handedOver.url}/api/inventory/2`)).body;
    const reserved = await fetch(`${inventoryUrl}/reservations/handover-1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId: 2, quantity: 3 }) });
    expect(reserved.status).toBe(201);
    expect((await get(`${handedOver.url}/api/inventory/2`)).body).toMatchObject({ INV_QTY_OH: before.INV_QTY_OH, INV_QTY_RSV: Number(before.INV_QTY_RSV) + 3 });
    expect((await get(`${legacyMode.url}/api/inventory/2`)).body.INV_QTY_RSV).toBe(before.INV_QTY_RSV);
  });
});
