import type { Knex } from 'knex';

/**
 * A migration provided in code, so it runs the same under tsx, ts-jest and compiled output (no
 * file globbing). Its name is recorded in the owner's migrations table, so never rename one.
 * knex refuses a migration without `down` when it runs; the type says so at compile time.
 */
export interface NamedMigration extends Knex.Migration {
  readonly name: string;
  down: NonNullable<Knex.Migration['down']>;
}

/** What an owner passes in: its migrations in apply order, and the table that records them. */
export interface MigrationPlan {
  readonly migrations: readonly NamedMigration[];
  /** Each owner has its own, so parts sharing a MySQL server (or a database) never clash. */
  readonly tableName: string;
}

function sourceOf(migrations: readonly NamedMigration[]): Knex.MigrationSource<NamedMigration> {
  return {
    getMigrations: async () => [...migrations],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}

/** Brings a schema up to date; returns the names of the migrations it applied (empty when current). */
export async function runMigrations(db: Knex, plan: MigrationPlan): Promise<string[]> {
  // knex types latest() loosely; it resolves to [batch number, names applied].
  const [, applied] = (await db.migrate.latest({ migrationSource: sourceOf(plan.migrations), tableName: plan.tableName })) as [number, string[]];
  return applied;
}
