import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { ControlError } from './errors';

/** The subset of a better-sqlite3 connection the pool hook needs. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

const SHAPES = 'expected sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db';

/**
 * Opens the state store's database from its URL. The message of a bad URL never repeats the URL
 * (it may hold a password). No connection is made until the first query.
 */
export function openStateDb(url: string): Knex {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  const quiet = { warn: () => undefined, deprecate: () => undefined, debug: () => undefined, error: () => undefined };
  if (scheme === 'sqlite') {
    const target = url.slice('sqlite:'.length);
    if (target === '') throw new ControlError('invalid-request', `bad state store URL: ${SHAPES}`);
    const filename = target === ':memory:' ? ':memory:' : path.resolve(target);
    if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
    return knex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      log: quiet,
      // One connection: SQLite serialises writers anyway, and an in-memory database must not be split.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) => {
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
  if (scheme === 'mysql') {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ControlError('invalid-request', `bad state store URL: ${SHAPES}`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (u.hostname === '' || database === '' || database.includes('/')) throw new ControlError('invalid-request', `bad state store URL: ${SHAPES}`);
    return knex({
      client: 'mysql2',
      connection: {
        host: u.hostname,
        port: u.port === '' ? 3306 : Number(u.port),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database,
        charset: 'utf8mb4',
        connectTimeout: 5_000,
      },
      pool: { min: 0, max: 4 },
      log: quiet,
    });
  }
  throw new ControlError('invalid-request', `unsupported state store URL scheme ${scheme ? `"${scheme}:"` : '(none)'}: ${SHAPES}`);
}

/** A unique-key violation from either driver: the row another writer inserted first. */
export function isUniqueViolation(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'ER_DUP_ENTRY';
}

/** A driver error's code (MySQL) or message (SQLite) matches. */
function driverError(err: unknown, mysqlCode: string, sqliteMessage: RegExp): boolean {
  const e = typeof err === 'object' && err !== null ? (err as { code?: unknown; message?: unknown }) : {};
  return e.code === mysqlCode || (typeof e.message === 'string' && sqliteMessage.test(e.message));
}

/** A table another process created between our check and our create. */
export function isAlreadyExists(err: unknown): boolean {
  return driverError(err, 'ER_TABLE_EXISTS_ERROR', /already exists/i);
}

/** A column another process added between our check and our alter. */
export function isDuplicateColumn(err: unknown): boolean {
  return driverError(err, 'ER_DUP_FIELDNAME', /duplicate column/i);
}
