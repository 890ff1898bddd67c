import fs from 'node:fs';
import path from 'node:path';
import knex, { Knex } from 'knex';

/** Thrown when a database URL cannot be turned into a connection; the message never contains credentials. */
export class LegacyDbUrlError extends Error {
  readonly code = 'LEGACY_DB_URL';
  constructor(message: string) {
    super(message);
    this.name = 'LegacyDbUrlError';
  }
}

/** The subset of a better-sqlite3 connection that the pool hook needs (the package ships no types). */
interface SqliteConnection {
  pragma(source: string): unknown;
}

type PoolDone = (err: Error | null, conn: SqliteConnection) => void;

/** Options for {@link openLegacyDb}. */
export interface LegacyDbOptions {
  /**
   * Receives knex's own warnings (e.g. "Acquire connection error"), first line only; without it knex
   * prints them with a stack trace to the console, which a CLI must not do.
   */
  onWarning?: (message: string) => void;
}

function knexLog(options: LegacyDbOptions): Knex.Config['log'] {
  const sink = options.onWarning;
  if (sink === undefined) return undefined;
  const firstLine = (message: unknown): void => sink(String(message).split('\n')[0] ?? '');
  return { warn: firstLine, error: firstLine, deprecate: firstLine, debug: () => undefined };
}

function openSqlite(target: string, options: LegacyDbOptions): Knex {
  if (target === '') {
    throw new LegacyDbUrlError('Invalid database URL for scheme "sqlite:": expected sqlite:<path> or sqlite::memory:');
  }
  const filename = target === ':memory:' ? ':memory:' : path.resolve(target);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    log: knexLog(options),
    useNullAsDefault: true,
    pool: {
      // WAL lets readers (the reporting module, the backfill) run while checkout writes;
      // busy_timeout turns lock contention into waiting instead of SQLITE_BUSY errors.
      afterCreate: (conn: SqliteConnection, done: PoolDone) => {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)), conn);
        }
      },
    },
  });
}

function openMysql(url: string, options: LegacyDbOptions): Knex {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LegacyDbUrlError('Invalid database URL for scheme "mysql:": expected mysql://user:pass@host:port/db');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '' || database === '' || database.includes('/')) {
    throw new LegacyDbUrlError('Invalid database URL for scheme "mysql:": expected mysql://user:pass@host:port/db');
  }
  return knex({
    client: 'mysql2',
    connection: {
      host: parsed.hostname,
      port: parsed.port === '' ? 3306 : Number(parsed.port),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      charset: 'utf8mb4',
    },
    pool: { min: 0, max: 10 },
    log: knexLog(options),
  });
}

/**
 * Opens the monolith's one shared database.
 * Accepts `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:port/db`.
 * No connection is made until the first query.
 */
export function openLegacyDb(url: string, options: LegacyDbOptions = {}): Knex {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') return openSqlite(url.slice('sqlite:'.length), options);
  if (scheme === 'mysql') return openMysql(url, options);
  const shown = scheme === undefined ? '(none)' : `"${scheme}:"`;
  throw new LegacyDbUrlError(
    `Unsupported database URL scheme ${shown}: expected sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db`,
  );
}
