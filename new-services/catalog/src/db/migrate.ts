import type { Knex } from 'knex';
import { runMigrations } from '../../../../platform';
import { CATALOG_MIGRATIONS } from './migrations/source';

/** The catalog's own migrations table, so it can share a MySQL server (or a database) without clashing. */
export const CATALOG_MIGRATIONS_TABLE = 'catalog_knex_migrations';

/** Brings the catalog schema up to date; returns the names of the migrations it applied (empty when current). */
export function migrateCatalog(db: Knex): Promise<string[]> {
  return runMigrations(db, { migrations: CATALOG_MIGRATIONS, tableName: CATALOG_MIGRATIONS_TABLE });
}
