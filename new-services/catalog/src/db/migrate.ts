import type { Knex } from 'knex';
import { catalogMigrationSource } from './migrations/source';

/** The catalog's own migrations table, so it can share a MySQL server (or a database) without clashing. */
export const CATALOG_MIGRATIONS_TABLE = 'catalog_knex_migrations';

/** Brings the catalog schema up to date; returns the names of the migrations it applied (empty when current). */
export async function migrateCatalog(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({
    migrationSource: catalogMigrationSource,
    tableName: CATALOG_MIGRATIONS_TABLE,
  })) as [number, string[]];
  return applied;
}
