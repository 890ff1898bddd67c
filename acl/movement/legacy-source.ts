import path from 'node:path';
import knex, { type Knex } from 'knex';
import { MovementError, firstLine } from './errors';
import type { DbRow } from './legacy-json';

/**
 * Opens the monolith's database for reading only. The data tools are the one part allowed to
 * touch another component's database, so the connection itself must make writing impossible:
 * SQLite is opened `readonly`, MySQL sessions are put in READ ONLY transactions mode.
 */
export interface LegacySource {
  readonly db: Knex;
  /** Where the data comes from, credentials removed (for messages). */
  readonly label: string;
  close(): Promise<void>;
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function openSqlite(target: string): Knex {
  if (target === '' || target === ':memory:') {
    throw new MovementError('LEGACY_DB', 'legacy database URL must name a file: sqlite:<path>');
  }
  return knex({
    client: 'better-sqlite3',
    // readonly also refuses to create a missing file, so a wrong path fails instead of reading an empty database.
    connection: { filename: path.resolve(target), options: { readonly: true } },
    useNullAsDefault: true,
    log: quietLog,
  });
}

function openMysql(url: string): Knex {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MovementError('LEGACY_DB', 'invalid legacy database URL: expected mysql://user:pass@host:port/db');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '' || database === '') {
    throw new MovementError('LEGACY_DB', 'invalid legacy database URL: expected mysql://user:pass@host:port/db');
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
      connectTimeout: 5000,
    },
    pool: {
      min: 0,
      max: 2,
      afterCreate: (conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, c: unknown) => void) => {
        conn.query('SET SESSION TRANSACTION READ ONLY', (err) => done(err, conn));
      },
    },
    acquireConnectionTimeout: 10000,
    log: quietLog,
  });
}

// knex prints its warnings with stacks by default; the CLI promises one clean line instead.
const quietLog: Knex.Config['log'] = { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined };

/** `sqlite:<path>` or `mysql://user:pass@host:port/db`; nothing is connected until {@link checkLegacySource}. */
export function openLegacySource(url: string): LegacySource {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  let db: Knex;
  if (scheme === 'sqlite') db = openSqlite(url.slice('sqlite:'.length));
  else if (scheme === 'mysql') db = openMysql(url);
  else throw new MovementError('LEGACY_DB', `unsupported legacy database URL "${redact(url)}": expected sqlite:<path> or mysql://user:pass@host:port/db`);
  return { db, label: redact(url), close: () => db.destroy() };
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
