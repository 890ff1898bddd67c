import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url';

/** How a part wants its database opened; every field has the default most parts use. */
export interface DatabaseOptions {
  /**
   * Make writing impossible at the connection: SQLite opens the file `readonly` (and refuses a
   * missing one), MySQL sessions start in READ ONLY transaction mode. For the data tools, the one
   * part allowed to read another component's database.
   */
  readonly readOnly?: boolean;
  /** MySQL pool bounds (default 0..10). SQLite always has one connection: it serialises writers anyway, and memory must not be split. */
  readonly pool?: { readonly min?: number; readonly max?: number };
  /** MySQL connect timeout; the driver's own (10 s) when unset. */
  readonly connectTimeoutMs?: number;
  /** How long a query waits for a pooled connection; knex's own (60 s) when unset. */
  readonly acquireTimeoutMs?: number;
  /**
   * Receives knex's own warnings (e.g. "Acquire connection error"), first line only; without it
   * knex prints them with a stack trace to the console, which a CLI must not do.
   */
  readonly onWarning?: (message: string) => void;
}

/** The subset of a better-sqlite3 connection the pool hook needs (the package ships no types). */
interface SqliteConnection {
  pragma(source: string): unknown;
}

/** The subset of a mysql2 connection the read-only hook needs. */
interface MysqlConnection {
  query(sql: string, done: (err: Error | null) => void): void;
}

type PoolDone<C> = (err: Error | null, conn: C) => void;

function knexLog(sink: DatabaseOptions['onWarning']): Knex.Config['log'] {
  if (sink === undefined) return undefined;
  const firstLine = (message: unknown): void => sink(String(message).split('\n')[0] ?? '');
  return { warn: firstLine, error: firstLine, deprecate: firstLine, debug: () => undefined };
}

function sqliteConfig(filename: string, readOnly: boolean): Knex.Config {
  const file = filename === ':memory:' ? ':memory:' : path.resolve(filename);
  // A writer may be the first to use a fresh data folder; a reader must find the file where it is.
  if (file !== ':memory:' && !readOnly) fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename: file, ...(readOnly ? { options: { readonly: true } } : {}) },
    useNullAsDefault: true,
    pool: {
      afterCreate: (conn: SqliteConnection, done: PoolDone<SqliteConnection>) => {
        try {
          // SQLite enforces declared foreign keys only with this on; MySQL always does, so both engines agree.
          conn.pragma('foreign_keys = ON');
          // WAL lets readers (reports, the backfill) run beside a writer; a read-only connection may not switch it.
          if (file !== ':memory:' && !readOnly) conn.pragma('journal_mode = WAL');
          // Lock contention becomes waiting instead of SQLITE_BUSY errors.
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)), conn);
        }
      },
    },
  };
}

function mysqlConfig(target: Extract<DatabaseTarget, { engine: 'mysql' }>, options: DatabaseOptions): Knex.Config {
  const { engine: _engine, ...address } = target;
  const readOnly = (conn: MysqlConnection, done: PoolDone<MysqlConnection>): void => {
    conn.query('SET SESSION TRANSACTION READ ONLY', (err) => done(err, conn));
  };
  return {
    client: 'mysql2',
    connection: {
      ...address,
      charset: 'utf8mb4',
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeout: options.connectTimeoutMs }),
    },
    pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10, ...(options.readOnly ? { afterCreate: readOnly } : {}) },
  };
}

/**
 * Opens a knex database from a URL (see {@link parseDatabaseUrl} for the forms). A SQLite file's
 * folder is created unless read-only. No connection is made until the first query; a bad URL
 * throws a DatabaseUrlError that never contains the password.
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): Knex {
  const readOnly = options.readOnly ?? false;
  const target = parseDatabaseUrl(url, readOnly);
  const config = target.engine === 'sqlite' ? sqliteConfig(target.filename, readOnly) : mysqlConfig(target, options);
  return knex({
    ...config,
    log: knexLog(options.onWarning),
    ...(options.acquireTimeoutMs === undefined ? {} : { acquireConnectionTimeout: options.acquireTimeoutMs }),
  });
}
