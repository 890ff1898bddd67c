import type { Knex } from 'knex';
import { DatabaseUrlError, openDatabase, redactDatabaseUrl } from '../../platform';
import { MovementError, firstLine } from './errors';
import type { DbRow } from './legacy-json';

/**
 * The monolith's database, opened for reading only. The data tools are the one part allowed to
 * touch another component's database, so the connection itself must make writing impossible:
 * platform's read-only mode opens SQLite `readonly` (a missing file fails instead of reading an
 * empty database) and puts MySQL sessions in READ ONLY transaction mode.
 */
export interface LegacySource {
  readonly db: Knex;
  /** Where the data comes from, credentials removed (for messages). */
  readonly label: string;
  close(): Promise<void>;
}

function openReadOnly(url: string): Knex {
  try {
    // Two connections are all a batch reader uses; knex's warnings would break the CLI's one clean line.
    return openDatabase(url, { readOnly: true, pool: { max: 2 }, connectTimeoutMs: 5000, acquireTimeoutMs: 10000, onWarning: () => undefined });
  } catch (err) {
    if (!(err instanceof DatabaseUrlError)) throw err;
    const refusal = err.problem === 'unsupported-scheme' ? `unsupported legacy database URL "${redactDatabaseUrl(url)}"` : 'invalid legacy database URL';
    throw new MovementError('LEGACY_DB', `${refusal}: ${err.expected}`);
  }
}

/** `sqlite:<path>` or `mysql://user:pass@host:port/db`; nothing is connected until {@link checkLegacySource}. */
export function openLegacySource(url: string): LegacySource {
  const db = openReadOnly(url);
  return { db, label: redactDatabaseUrl(url), close: () => db.destroy() };
}

/** Connects and checks the table is there, turning driver failures into one clear line. */
export async function checkLegacySource(source: LegacySource, table: string): Promise<void> {
  try {
    await source.db(table).first(source.db.raw('1 as ok'));
  } catch (err) {
    throw new MovementError('LEGACY_DB', `cannot read legacy database ${source.label} (table ${table}): ${firstLine(err)}`);
  }
}

/** Runs a legacy query, wrapping driver errors the same way (a database that goes away mid-run). */
export async function legacyQuery<T>(source: LegacySource, what: string, run: (db: Knex) => Promise<T>): Promise<T> {
  try {
    return await run(source.db);
  } catch (err) {
    throw new MovementError('LEGACY_DB', `legacy database ${source.label}: ${what} failed: ${firstLine(err)}`);
  }
}

export async function countRows(source: LegacySource, table: string): Promise<number> {
  const row: DbRow | undefined = await legacyQuery(source, `count ${table}`, (db) => db(table).count({ N: '*' }).first());
  return Number(row?.N ?? 0);
}
