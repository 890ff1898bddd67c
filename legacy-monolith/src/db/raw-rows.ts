import type { Knex } from 'knex';

/** A row as a driver hands it back; values are normalised by the serialisers, never trusted as-is. */
export type DbRow = Record<string, unknown>;

/** True when the connection goes through mysql2 (DECIMALs come back as strings, raw results as [rows, fields]). */
export function isMysql(db: Knex): boolean {
  const driver: unknown = db.client.driverName;
  return driver === 'mysql2' || driver === 'mysql';
}

/** Runs a raw SELECT and returns its rows whichever driver is underneath. */
export async function rawRows(db: Knex, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<DbRow[]> {
  const result: unknown = await db.raw(sql, bindings);
  const rows: unknown = isMysql(db) && Array.isArray(result) ? result[0] : result;
  if (!Array.isArray(rows)) throw new Error('raw query returned no row list');
  return rows as DbRow[];
}
