import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createCatalogApp, migrateCatalog } from '../../../new-services/catalog/src/index';
import { createHttpCatalogClient, createHttpInventoryClient, createOrdersApp, migrateOrders } from '../../../new-services/orders/src/index';
import { createInventoryApp, migrateInventory } from '../../../new-services/inventory/src/index';
import { migrateLegacy, seedLegacy } from '../../../legacy-monolith/src/index';
import { openDatabase, silentLogger } from '../../../platform';

/** A temp data dir with a seeded legacy SQLite file, and the writable knex the test uses to change legacy rows. */
export interface LegacyFixture {
  readonly dir: string;
  readonly url: string;
  readonly db: Knex;
  cleanup(): Promise<void>;
}

export async function seededLegacy(rows = 500, options: { seed?: boolean } = {}): Promise<LegacyFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-movement-'));
  const file = path.join(dir, 'legacy.sqlite');
  const db = openDatabase(`sqlite:${file}`);
  await migrateLegacy(db);
  if (options.seed !== false) await seedLegacy(db, { rows });
  return {
    dir,
    url: `sqlite:${file}`,
    db,
    async cleanup() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningService {
  readonly url: string;
  readonly db: Knex;
  stop(): Promise<void>;
}

function listen(app: (req: never, res: never) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = (app as unknown as { listen(port: number, host: string, cb: () => void): Server }).listen(0, '127.0.0.1', () => resolve(server));
  });
}

function running(server: Server, db: Knex, closeDb = true): RunningService {
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (closeDb) await db.destroy();
    },
  };
}

/** The catalog service on port 0, over an in-memory SQLite database. */
export async function startCatalog(): Promise<RunningService> {
  const db = openDatabase('sqlite::memory:');
  await migrateCatalog(db);
  const server = await listen(createCatalogApp({ db, logger: silentLogger }) as never);
  return running(server, db);
}

/** The orders service on port 0, over an in-memory SQLite database (the catalog and inventory clients are unused by batch imports). */
export async function startOrders(catalogUrl = 'http://127.0.0.1:9'): Promise<RunningService> {
  const db = openDatabase('sqlite::memory:');
  await migrateOrders(db);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const app = createOrdersApp({ db, catalog: createHttpCatalogClient({ baseUrl: catalogUrl }), inventory: createHttpInventoryClient({ baseUrl: 'http://127.0.0.1:9' }), logger: quiet as never });
  const server = await listen(app as never);
  return running(server, db);
}

/** The inventory service on port 0, over an in-memory SQLite database (or `url`). */
export async function startInventory(url = 'sqlite::memory:'): Promise<RunningService> {
  const db = openDatabase(url);
  await migrateInventory(db);
  const server = await listen(createInventoryApp({ db, logger: silentLogger }) as never);
  return running(server, db);
}

/** Fast retries for tests: a dead service is declared dead in well under a second. */
export const FAST_RETRY = { attempts: 3, baseDelayMs: 20, maxDelayMs: 50 } as const;
