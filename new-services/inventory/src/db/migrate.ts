import type { Knex } from 'knex';
import { runMigrations } from '../../../../platform';
import { INVENTORY_MIGRATIONS } from './migrations/source';

/** The service's own migrations table, so it never collides with another component's knex history. */
export const INVENTORY_MIGRATIONS_TABLE = 'inventory_knex_migrations';

/** Brings the inventory schema up to date; returns the names of the migrations it applied (empty when current). */
export function migrateInventory(db: Knex): Promise<string[]> {
  return runMigrations(db, { migrations: INVENTORY_MIGRATIONS, tableName: INVENTORY_MIGRATIONS_TABLE });
}
