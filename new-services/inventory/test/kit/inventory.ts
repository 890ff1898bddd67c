import type express from 'express';
import type { Knex } from 'knex';
import { openDatabase, silentLogger } from '../../../../platform';
import { createInventoryApp, createKnexInventoryRepository, migrateInventory, startExpirySweep, type ExpirySweep, type InventoryRepository, type Stock } from '../../src/index';

/** A clock the test moves by hand. */
export interface ManualClock {
  (): Date;
  advance(ms: number): void;
}

export function manualClock(start = '2025-03-01T10:00:00.000Z'): ManualClock {
  let now = Date.parse(start);
  const clock = (() => new Date(now)) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** Stock as the backfill would import it. */
export function stock(productId: number, onHand: number, reserved = 0, updatedAt = '2024-01-02T03:04:05Z'): Stock {
  return { productId, onHand, reserved, available: onHand - reserved, updatedAt };
}

export interface InventoryFixture {
  readonly db: Knex;
  readonly repo: InventoryRepository;
  readonly app: express.Application;
  readonly clock: ManualClock;
  readonly sweep: ExpirySweep;
  /** Every row of both tables, for "nothing changed" checks. */
  snapshot(): Promise<unknown>;
  close(): Promise<void>;
}

/** A migrated database (in memory unless `url`), seeded with `items`, and the app on a manual clock. */
export async function inventoryFixture(items: readonly Stock[] = [], options: { url?: string; ttlSeconds?: number } = {}): Promise<InventoryFixture> {
  const db = openDatabase(options.url ?? 'sqlite::memory:');
  await migrateInventory(db);
  const repo = createKnexInventoryRepository(db);
  if (items.length > 0) await repo.importStock(items, { dryRun: false });
  const clock = manualClock();
  const app = createInventoryApp({ repo, logger: silentLogger, clock, defaultTtlSeconds: options.ttlSeconds ?? 60 });
  const sweep = startExpirySweep({ repo, clock, logger: silentLogger, everyMs: 0 });
  return {
    db,
    repo,
    app,
    clock,
    sweep,
    snapshot: async () => ({
      stock: await db('inventory_stock').select().orderBy('product_id'),
      reservations: await db('inventory_reservations').select().orderBy('id'),
    }),
    async close() {
      await sweep.stop();
      await db.destroy();
    },
  };
}
