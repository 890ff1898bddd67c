import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '../../../gateway/test/kit/mysql';
import { migrateLegacy, openLegacyDb, seedLegacy } from '../../../legacy-monolith/src/index';
import { backfill, sync, verify } from '../index';
import { FAST_RETRY, startCatalog, startOrders, type RunningService } from './kit';

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** The legacy database on MySQL/MariaDB (DECIMALs come back as strings), the services on SQLite memory. */
describe('movement with a MySQL legacy database', () => {
  let database: TestDatabase;
  let db: Knex;
  let dir: string;
  let catalog: RunningService;
  let orders: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = openLegacyDb(database.url);
    await migrateLegacy(db);
    await seedLegacy(db, { rows: 500 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-movement-mysql-'));
    catalog = await startCatalog();
    orders = await startOrders(catalog.url);
  });
  afterAll(async () => {
    await catalog?.stop();
    await orders?.stop();
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
});
