import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';

/** Thrown when a database URL cannot be turned into a connection; the message never contains credentials. */
export class CatalogDbUrlError extends Error {
  readonly code = 'CATALOG_DB_URL';
  constructor(message: string) {
    super(message);
    this.name = 'CatalogDbUrlError';
  }
}

/** Options for {@link openCatalogDb}. */
export interface CatalogDbOptions {
  /**
   * Receives knex's own warnings, first line only; without it knex prints them with a stack trace
   * to the console, which a CLI must not do.
   */
  onWarning?: (message: string) => void;
}

/** The subset of a better-sqlite3 connection the pool hook needs. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

type PoolDone = (err: Error | null, conn: SqliteConnection) => void;

const MYSQL_SHAPE = 'expected mysql://user:pass@host:port/db';

function knexLog(options: CatalogDbOptions): Knex.Config['log'] {
  const sink = options.onWarning;
  if (sink === undefined) return undefined;
  const firstLine = (message: unknown): void => sink(String(message).split('\n')[0] ?? '');
  return { warn: firstLine, error: firstLine, deprecate: firstLine, debug: () => undefined };
}

function openSqlite(target: string, options: CatalogDbOptions): Knex {
  if (target === '') {
    throw new CatalogDbUrlError('Invalid database URL for scheme "sqlite:": expected sqlite:<path> or sqlite::memory:');
  }
  const filename = target === ':memory:' ? ':memory:' : path.resolve(target);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    log: knexLog(options),
    useNullAsDefault: true,
    pool: {
      // WAL lets the backfill's verification reads run beside writes; busy_timeout waits instead of failing.
      afterCreate: (conn: SqliteConnection, done: PoolDone) => {
        try {
          if (filename !== ':memory:') conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        } catch (err) {
          done(err instanceof Error ? err : new Error(String(err)), conn);
        }
      },
    },
  });
}

function openMysql(url: string, options: CatalogDbOptions): Knex {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CatalogDbUrlError(`Invalid database URL for scheme "mysql:": ${MYSQL_SHAPE}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '' || database === '' || database.includes('/')) {
    throw new CatalogDbUrlError(`Invalid database URL for scheme "mysql:": ${MYSQL_SHAPE}`);
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
 * Opens the catalog's own database: `sqlite:<path>` (parent folder created), `sqlite::memory:`
 * or `mysql://user:pass@host:port/db`. No connection is made until the first query.
 */
export function openCatalogDb(url: string, options: CatalogDbOptions = {}): Knex {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') return openSqlite(url.slice('sqlite:'.length), options);
  if (scheme === 'mysql') return openMysql(url, options);
  const shown = scheme === undefined ? '(none)' : `"${scheme}:"`;
  throw new CatalogDbUrlError(
    `Unsupported database URL scheme ${shown}: expected sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db`,
  );
}
