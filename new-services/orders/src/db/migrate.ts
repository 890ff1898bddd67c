import type { Knex } from 'knex';
import { runMigrations } from '../../../../platform';
import { ORDERS_MIGRATIONS } from './migrations/source';

/** The service's own migrations table, so it never collides with another component's knex history. */
export const ORDERS_MIGRATIONS_TABLE = 'orders_knex_migrations';

/** Brings the orders schema up to date; returns the names of the migrations it applied (empty when current). */
export function migrateOrders(db: Knex): Promise<string[]> {
  return runMigrations(db, { migrations: ORDERS_MIGRATIONS, tableName: ORDERS_MIGRATIONS_TABLE });
}
