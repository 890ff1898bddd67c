import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '../../../platform/test-kit/mysql';
import { migrateLegacy, seedLegacy } from '../../../legacy-monolith/src/index';
import { openDatabase } from '../../../platform';
import { backfill, sync, verify } from '../index';
import { FAST_RETRY, startCatalog, startInventory, startOrders, type RunningService } from './kit';

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** The legacy database on MySQL/MariaDB (DECIMALs come back as strings), the services on SQLite memory (inventory on MariaDB too). */
describe('movement with a MySQL legacy database', () => {
  let database: TestDatabase;
  let db: Knex;
  let dir: string;
  let catalog: RunningService;
  let orders: RunningService;
  let inventoryDb: TestDatabase;
  let inventory: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase(database.url);
    await migrateLegacy(db);
    await seedLegacy(db, { rows: 500 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-movement-mysql-'));
    catalog = await startCatalog();
    orders = await startOrders(catalog.url);
    inventoryDb = await createTestDatabase();
    inventory = await startInventory(inventoryDb.url);
  });
  afterAll(async () => {
    await catalog?.stop();
    await orders?.stop();
    await inventory?.stop();
    await inventoryDb?.drop();
    await db?.destroy();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('catalog: backfill + verify clean, then a sync after a change', async () => {
    const opts = { context: 'catalog' as const, legacyUrl: database.url, serviceUrl: catalog.url, dataDir: dir, retry: FAST_RETRY };
    const result = await backfill(opts);
    expect(result.counters.read).toBe(500);
    expect(result.counters.rejected).toBeGreaterThanOrEqual(1);
    expect((await verify(opts)).clean).toBe(true);
    expect((await backfill(opts)).changed).toBe(false);

    await sync(opts);
    await db('PRD_MSTR').where('PRD_ID', 21).update({ PRD_PRC: '99.90', PRD_UPD_TS: stamp(new Date()) });
    expect((await verify(opts)).different.count).toBe(1);
    expect((await sync(opts)).updated).toBe(1);
    expect((await verify(opts)).clean).toBe(true);
  });

  it('orders: backfill + verify clean', async () => {
    const opts = { context: 'orders' as const, legacyUrl: database.url, serviceUrl: orders.url, dataDir: dir, retry: FAST_RETRY };
    const result = await backfill(opts);
    expect(result.counters.read).toBe(300);
    const checked = await verify(opts);
    expect(checked.clean).toBe(true);
    expect(checked.matching).toBe(result.counters.inserted);
  });

  it('orders: an order created and one changed in legacy after the backfill are synced; a deleted one too; verify clean each time', async () => {
    const opts = { context: 'orders' as const, legacyUrl: database.url, serviceUrl: orders.url, dataDir: dir, retry: FAST_RETRY };
    expect((await verify(opts)).clean).toBe(true); // the backfill of the previous test
    const first = await sync(opts);
    expect(first.inserted + first.updated).toBe(0);

    // Checkout as the monolith writes it: header and lines, DECIMAL amounts, current change timestamps.
    const now = stamp(new Date());
    const [created] = await db('ORD_HDR').insert({ CUST_ID: 3, ORD_DT: now.slice(0, 8), ORD_STS: 'N', ORD_TOT_AMT: '31.50', ORD_SHP_TS: null, ORD_RMK: 'placed after the backfill', ORD_UPD_TS: now });
    expect(typeof created).toBe('number');
    await db('ORD_LN').insert([
      { ORD_ID: created, ORD_LN_NO: 1, PRD_ID: 1, ORD_LN_QTY: 2, ORD_LN_PRC: '10.25', ORD_LN_AMT: '20.50', ORD_LN_UPD_TS: now },
      { ORD_ID: created, ORD_LN_NO: 2, PRD_ID: 2, ORD_LN_QTY: 1, ORD_LN_PRC: '11.00', ORD_LN_AMT: '11.00', ORD_LN_UPD_TS: now },
    ]);
    await db('ORD_HDR').where('ORD_ID', 5).update({ ORD_STS: 'C', ORD_UPD_TS: now });
    const stale = await verify(opts);
    expect(stale).toMatchObject({ clean: false, missing: { count: 1, examples: [{ key: created }] }, different: { count: 1, examples: [{ key: 5 }] } });

    const changed = await sync(opts);
    expect(changed).toMatchObject({ inserted: 1, updated: 1, deleted: 0, rejected: 0 });
    expect((await verify(opts)).clean).toBe(true);
    const stored = (await orders.db('orders').where('id', created).first()) as Record<string, unknown> | undefined;
    expect(stored).toBeDefined();

    await db('ORD_LN').where('ORD_ID', 6).del();
    await db('ORD_HDR').where('ORD_ID', 6).del();
    expect((await verify(opts)).extra).toEqual({ count: 1, examples: [{ key: 6 }] });
    const deleted = await sync(opts);
    expect(deleted).toMatchObject({ inserted: 0, updated: 0, deleted: 1 });
    expect((await verify(opts)).clean).toBe(true);
  });

  it('inventory: backfill + verify clean, then a stock change synced', async () => {
    const opts = { context: 'inventory' as const, legacyUrl: database.url, serviceUrl: inventory.url, dataDir: dir, retry: FAST_RETRY };
    const result = await backfill(opts);
    expect(result.counters).toMatchObject({ read: 500, inserted: 500, rejected: 0 });
    expect((await verify(opts)).clean).toBe(true);
    await sync(opts);
    await db('INV_BAL').where('PRD_ID', 9).update({ INV_QTY_OH: 40, INV_QTY_RSV: 1, INV_UPD_TS: stamp(new Date()) });
    expect((await sync(opts)).updated).toBe(1);
    expect((await verify(opts)).clean).toBe(true);
  });
});
