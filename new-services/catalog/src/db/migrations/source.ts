import type { Knex } from 'knex';
import { m001Products } from './m001-products';

/** A migration provided in code, so it runs the same under tsx, ts-jest and compiled output (no file globbing). */
export interface CatalogMigration extends Knex.Migration {
  readonly name: string;
}

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const CATALOG_MIGRATIONS: readonly CatalogMigration[] = [m001Products];

/** A knex migration source over {@link CATALOG_MIGRATIONS}. */
export const catalogMigrationSource: Knex.MigrationSource<CatalogMigration> = {
  getMigrations: async () => [...CATALOG_MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
