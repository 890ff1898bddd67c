import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';

/** Thrown when a database URL cannot be turned into a connection; the message never contains credentials. */
export class OrdersDbUrlError extends Error {
  readonly code = 'ORDERS_DB_URL';
  constructor(message: string) {
    super(message);
    this.name = 'OrdersDbUrlError';
  }
}

export interface OrdersDbOptions {
  /** Receives knex's own warnings, first line only; without it knex prints them with a stack trace. */
  onWarning?: (message: string) => void;
}

/** The subset of a better-sqlite3 connection the pool hook needs (the package ships no types). */
interface SqliteConnection {
  pragma(source: string): unknown;
}

const EXPECTED = 'expected sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db';

function knexLog(options: OrdersDbOptions): Knex.Config['log'] {
  const sink = options.onWarning;
  if (sink === undefined) return undefined;
  const firstLine = (message: unknown): void => sink(String(message).split('\n')[0] ?? '');
  return { warn: firstLine, error: firstLine, deprecate: firstLine, debug: () => undefined };
}

function openSqlite(target: string, options: OrdersDbOptions): Knex {
  if (target === '') throw new OrdersDbUrlError(`Invalid database URL for scheme "sqlite:": ${EXPECTED}`);
  const filename = target === ':memory:' ? ':memory:' : path.resolve(target);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    log: knexLog(options),
    pool: {
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) => {
        try {
          // Lines reference their order; SQLite only enforces that with this pragma on.
          conn.pragma('foreign_keys = ON');
          // WAL keeps readers going during a write; busy_timeout waits on a lock instead of failing.
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

function openMysql(url: string, options: OrdersDbOptions): Knex {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OrdersDbUrlError(`Invalid database URL for scheme "mysql:": ${EXPECTED}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '' || database === '' || database.includes('/')) {
    throw new OrdersDbUrlError(`Invalid database URL for scheme "mysql:": ${EXPECTED}`);
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
 * Opens the orders service's own database: `sqlite:<path>` (parent folder created),
 * `sqlite::memory:` or `mysql://user:pass@host:port/db`. No connection is made until the first query.
 */
export function openOrdersDb(url: string, options: OrdersDbOptions = {}): Knex {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') return openSqlite(url.slice('sqlite:'.length), options);
  if (scheme === 'mysql') return openMysql(url, options);
  const shown = scheme === undefined ? '(none)' : `"${scheme}:"`;
  throw new OrdersDbUrlError(`Unsupported database URL scheme ${shown}: ${EXPECTED}`);
}
