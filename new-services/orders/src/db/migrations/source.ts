import type { Knex } from 'knex';
import { m001Orders } from './m001-orders';

/** A migration provided in code, so it runs the same under tsx, ts-jest and compiled output (no file globbing). */
export interface OrdersMigration extends Knex.Migration {
  readonly name: string;
}

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const ORDERS_MIGRATIONS: readonly OrdersMigration[] = [m001Orders];

export const ordersMigrationSource: Knex.MigrationSource<OrdersMigration> = {
  getMigrations: async () => [...ORDERS_MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
