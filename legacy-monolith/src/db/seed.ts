import type { Knex } from 'knex';
import { mulberry32 } from './prng';
import { buildCustomers, buildInventory, buildProducts } from './seed-catalog';
import { buildOrders } from './seed-orders';
import { T } from './tables';

/** Options for {@link seedLegacy}. */
export interface SeedOptions {
  /** Number of products, 1..100000 (default 500); customers and orders scale with it (40% and 60%). */
  rows?: number;
  /** Called after every inserted chunk; counts are in the products the caller asked for, see {@link SeedProgress}. */
  onProgress?: (progress: SeedProgress) => void;
}

/** A seed's progress, told in what the user asked for (products), not in rows over every table. */
export interface SeedProgress {
  /** Products asked for (`--rows`). */
  readonly rows: number;
  /** Products inserted so far. */
  readonly products: number;
  /** Share of the whole seed (products, customers, orders, lines, stock) done, 0..100. */
  readonly percent: number;
}

/** One progress line: `seeding 100000/100000 products (35% of the shop)`. */
export function formatSeedProgress(p: SeedProgress): string {
  return `seeding ${p.products}/${p.rows} products (${p.percent}% of the shop, with its customers, orders and stock)`;
}

/** What a seed inserted, per table. */
export interface SeedSummary {
  products: number;
  customers: number;
  orders: number;
  orderLines: number;
  inventory: number;
}

/** Thrown when seeding is refused: bad options or a database that already has data. */
export class LegacySeedError extends Error {
  readonly code = 'LEGACY_SEED';
  constructor(message: string) {
    super(message);
    this.name = 'LegacySeedError';
  }
}

export const DEFAULT_SEED_ROWS = 500;
export const MAX_SEED_ROWS = 100_000;
/** Fixed so that every machine, and SQLite and MySQL alike, get the very same shop. */
const SEED = 0x5eed_2011;
// 500 rows x 9 columns stays far below SQLite's bound-parameter limit and MySQL's packet size.
const CHUNK = 500;

/** True when the product master has at least one row, i.e. the shop has data. */
export async function isLegacySeeded(db: Knex): Promise<boolean> {
  const row = await db(T.product).first('PRD_ID');
  return row !== undefined;
}

/**
 * Fills an empty, migrated database with a deterministic shop. Refuses (throws LegacySeedError)
 * when the database already has products, because a second seed would collide on the fixed ids.
 */
export async function seedLegacy(db: Knex, options: SeedOptions = {}): Promise<SeedSummary> {
  const rows = options.rows ?? DEFAULT_SEED_ROWS;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_SEED_ROWS) {
    throw new LegacySeedError(`rows must be an integer between 1 and ${MAX_SEED_ROWS}, got ${String(rows)}`);
  }
  const customerCount = Math.max(1, Math.round(rows * 0.4));
  const orderCount = Math.max(1, Math.round(rows * 0.6));
  // One generator per table, so a change to one table's data does not reshuffle the others.
  const products = buildProducts(rows, mulberry32(SEED + 1));
  const customers = buildCustomers(customerCount, mulberry32(SEED + 2));
  const orders = buildOrders(orderCount, customerCount, products, mulberry32(SEED + 3));
  const inventory = buildInventory(rows, mulberry32(SEED + 4));
  const plan: Array<[string, readonly object[]]> = [
    [T.product, products],
    [T.customer, customers],
    [T.orderHeader, orders.headers],
    [T.orderLine, orders.lines],
    [T.inventory, inventory],
  ];
  const total = plan.reduce((sum, [, list]) => sum + list.length, 0);

  await db.transaction(async (trx) => {
    if (await isLegacySeeded(trx)) {
      throw new LegacySeedError('database is already seeded (PRD_MSTR has rows); refusing to seed twice');
    }
    let done = 0;
    let productsDone = 0;
    for (const [table, list] of plan) {
      for (let i = 0; i < list.length; i += CHUNK) {
        const chunk = list.slice(i, i + CHUNK);
        await trx(table).insert(chunk);
        done += chunk.length;
        if (table === T.product) productsDone += chunk.length;
        options.onProgress?.({ rows, products: productsDone, percent: Math.floor((done / total) * 100) });
      }
    }
  });
  return {
    products: products.length,
    customers: customers.length,
    orders: orders.headers.length,
    orderLines: orders.lines.length,
    inventory: inventory.length,
  };
}
