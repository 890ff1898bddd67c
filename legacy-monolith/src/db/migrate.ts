import type { Knex } from 'knex';
import { runMigrations } from '../../../platform';
import { LEGACY_MIGRATIONS } from './migrations/source';

/** Table knex records applied migrations in; named so it sorts next to the legacy tables in a DBA's listing. */
export const LEGACY_MIGRATIONS_TABLE = 'LGCY_KNEX_MIGR';

/** Brings the legacy schema up to date; returns the names of the migrations it applied (empty when current). */
export function migrateLegacy(db: Knex): Promise<string[]> {
  return runMigrations(db, { migrations: LEGACY_MIGRATIONS, tableName: LEGACY_MIGRATIONS_TABLE });
}
