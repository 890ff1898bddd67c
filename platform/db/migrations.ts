import type { Knex } from 'knex';
import { isAlreadyExists, isUniqueViolation } from './driver-errors';

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

/** How long a second instance starting beside another waits for the other's migrations. */
const LOCK_WAIT_MS = 15_000;
const LOCK_POLL_MS = 100;

/**
 * Brings a schema up to date; returns the names of the migrations it applied (empty when
 * current). Several instances of one service may start at once on one database (replicas): the
 * one that takes knex's migration lock migrates, the others wait for it and then find the schema
 * current, instead of failing at start-up.
 */
export async function runMigrations(db: Knex, plan: MigrationPlan): Promise<string[]> {
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      // knex types latest() loosely; it resolves to [batch number, names applied].
      const [, applied] = (await db.migrate.latest({ migrationSource: sourceOf(plan.migrations), tableName: plan.tableName })) as [number, string[]];
      return applied;
    } catch (e) {
      if (!migrationRace(e) || Date.now() > giveUpAt) throw e;
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
}

/** Another instance holds the lock, or created the bookkeeping tables a moment before this one. */
function migrationRace(e: unknown): boolean {
  return (e instanceof Error && e.name === 'MigrationLocked') || isAlreadyExists(e) || isUniqueViolation(e);
}
