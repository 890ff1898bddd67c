import type express from 'express';
import type { Knex } from 'knex';
import { openDatabase, silentLogger, type Logger } from '../../../../platform';
import { createHttpCatalogClient, createHttpInventoryClient, createOrdersService, migrateOrders, type Order, type OrdersService, type RetryPolicy } from '../../src/index';
import { T } from '../../src/db/tables';
import { product, startCatalogStub, type CatalogStub } from './catalog-stub';
import { startInventoryFront, stockOf, type InventoryFront } from './inventory-front';

/** The orders clock in tests: fixed, so answers are comparable across runs and databases. */
export const FIXED_NOW = new Date('2024-05-06T07:08:09.000Z');
export const FIXED_ISO = FIXED_NOW.toISOString();

/** Catalog products every fixture starts with: two active, one discontinued, one in another currency. */
export const PRODUCTS = [
  product(1, 1250),
  product(2, 399),
  product(3, 1000, { status: 'discontinued' }),
  product(4, 700, { price: { amount: 700, currency: 'USD' } }),
];

/** Stock every fixture starts with: plenty of each product. */
export const STOCK = [stockOf(1, 100), stockOf(2, 100), stockOf(3, 100), stockOf(4, 100)];

/** Retries in tests: quick, and few, so a stuck saga shows in milliseconds. */
export const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

export interface OrdersFixture {
  db: Knex;
  stub: CatalogStub;
  inventory: InventoryFront;
  app: express.Application;
  service: OrdersService;
  /** Rows in the orders, lines and idempotency tables: "nothing written" means all three unchanged. */
  counts(): Promise<{ orders: number; lines: number; keys: number }>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  url?: string;
  catalogTimeoutMs?: number;
  inventoryTimeoutMs?: number;
  logger?: Logger;
  stock?: Parameters<typeof startInventoryFront>[0];
  /** The inventory's own database (in memory unless given). */
  inventoryUrl?: string;
  retry?: RetryPolicy;
}

/** A migrated database (in memory unless `url`), a live catalog stub, a real inventory behind a breakable front, and the app wired to them. */
export async function ordersFixture(options: FixtureOptions = {}): Promise<OrdersFixture> {
  const db = openDatabase(options.url ?? 'sqlite::memory:');
  await migrateOrders(db);
  const stub = await startCatalogStub(PRODUCTS);
  const inventory = await startInventoryFront(options.stock ?? STOCK, { url: options.inventoryUrl });
  const catalog = createHttpCatalogClient({ baseUrl: stub.url, timeoutMs: options.catalogTimeoutMs ?? 2000 });
  const service = createOrdersService({
    db,
    catalog,
    inventory: createHttpInventoryClient({ baseUrl: inventory.url, timeoutMs: options.inventoryTimeoutMs ?? 2000 }),
    logger: options.logger ?? silentLogger,
    clock: () => FIXED_NOW,
    retry: options.retry ?? FAST_RETRY,
  });
  const app = service.app;
  const count = async (table: string): Promise<number> => {
    const row: { n?: number | string } | undefined = await db(table).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  };
  return {
    db,
    stub,
    inventory,
    app,
    service,
    counts: async () => ({ orders: await count(T.orders), lines: await count(T.lines), keys: await count(T.idempotency) }),
    async close() {
      await service.stop();
      await stub.stop();
      await inventory.close();
      await db.destroy();
    },
  };
}

/** A sound order as the backfill would send it. */
export function importedOrder(id: number, overrides: Partial<Order> = {}): Order {
  return {
    id,
    customerId: 7,
    status: 'paid',
    note: null,
    lines: [
      { lineNo: 1, productId: 1, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' }, amount: { amount: 2500, currency: 'EUR' } },
      { lineNo: 2, productId: 2, quantity: 1, unitPrice: { amount: 399, currency: 'EUR' }, amount: { amount: 399, currency: 'EUR' } },
    ],
    total: { amount: 2899, currency: 'EUR' },
    placedAt: '2014-09-28T05:01:12Z',
    updatedAt: '2014-09-29T10:00:00Z',
    ...overrides,
  };
}
