import type express from 'express';
import type { Knex } from 'knex';
import { openDatabase, silentLogger, type Logger } from '../../../../platform';
import { createHttpCatalogClient, createOrdersApp, migrateOrders, type Order } from '../../src/index';
import { T } from '../../src/db/tables';
import { product, startCatalogStub, type CatalogStub } from './catalog-stub';

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

export interface OrdersFixture {
  db: Knex;
  stub: CatalogStub;
  app: express.Application;
  /** Rows in the orders, lines and idempotency tables: "nothing written" means all three unchanged. */
  counts(): Promise<{ orders: number; lines: number; keys: number }>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  url?: string;
  catalogTimeoutMs?: number;
  logger?: Logger;
}

/** A migrated database (in memory unless `url`), a live catalog stub and the app wired to both. */
export async function ordersFixture(options: FixtureOptions = {}): Promise<OrdersFixture> {
  const db = openDatabase(options.url ?? 'sqlite::memory:');
  await migrateOrders(db);
  const stub = await startCatalogStub(PRODUCTS);
  const catalog = createHttpCatalogClient({ baseUrl: stub.url, timeoutMs: options.catalogTimeoutMs ?? 2000 });
  const app = createOrdersApp({ db, catalog, logger: options.logger ?? silentLogger, clock: () => FIXED_NOW });
  const count = async (table: string): Promise<number> => {
    const row: { n?: number | string } | undefined = await db(table).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  };
  return {
    db,
    stub,
    app,
    counts: async () => ({ orders: await count(T.orders), lines: await count(T.lines), keys: await count(T.idempotency) }),
    async close() {
      await stub.stop();
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
