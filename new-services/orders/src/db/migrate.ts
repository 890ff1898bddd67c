import type { Knex } from 'knex';
import { ordersMigrationSource } from './migrations/source';

/** The service's own migrations table, so it never collides with another component's knex history. */
export const ORDERS_MIGRATIONS_TABLE = 'orders_knex_migrations';

/** Brings the orders schema up to date; returns the names of the migrations it applied (empty when current). */
export async function migrateOrders(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({
    migrationSource: ordersMigrationSource,
    tableName: ORDERS_MIGRATIONS_TABLE,
  })) as [number, string[]];
  return applied;
}
