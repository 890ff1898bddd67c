import type { Knex } from 'knex';
import { m001Catalog } from './m001-catalog';
import { m002Orders } from './m002-orders';
import { m003Inventory } from './m003-inventory';

/** A migration provided in code, so it runs the same under tsx, ts-jest and compiled output (no file globbing). */
export interface LegacyMigration extends Knex.Migration {
  readonly name: string;
}

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const LEGACY_MIGRATIONS: readonly LegacyMigration[] = [m001Catalog, m002Orders, m003Inventory];

/** A knex migration source over {@link LEGACY_MIGRATIONS}. */
export const legacyMigrationSource: Knex.MigrationSource<LegacyMigration> = {
  getMigrations: async () => [...LEGACY_MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
