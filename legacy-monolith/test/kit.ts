import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { openDatabase, silentLogger } from '../../platform';
import { createLegacyApp, migrateLegacy, seedLegacy } from '../src/index';
import type express from 'express';
import {
  customerShape, inventoryShape, orderHeaderShape, orderLineShape, productShape, type Shape,
} from '../src/http/shapes';

/** Checkout's clock in tests: fixed, so POST answers are comparable across databases. */
export const FIXED_NOW = new Date('2024-05-06T07:08:09Z');
export const FIXED_TS = '20240506070809';

/** sha256 of the default seed as the API serialises it (see dumpTables); the MySQL suite checks it too. */
export const PINNED_SEED_SHA256 = '4fa2843729b64774e545e5df564735d85e497a9b8768a29c4a6bb0f1433489c7';

/** A migrated in-memory database, seeded with `rows` products unless rows is 0. */
export async function memoryDb(rows = 500): Promise<Knex> {
  const db = openDatabase('sqlite::memory:');
  await migrateLegacy(db);
  if (rows > 0) await seedLegacy(db, { rows });
  return db;
}

export function appFor(db: Knex): express.Application {
  return createLegacyApp({ db, logger: silentLogger, clock: () => FIXED_NOW });
}

/**
 * Every table in key order, serialised as the API does (money as "12.50"): what "the same data" means
 * for determinism checks, and the same on SQLite and MySQL.
 */
export async function dumpTables(db: Knex): Promise<Record<string, unknown[]>> {
  const dump = async (table: string, keys: string[], shape: Shape): Promise<unknown[]> => {
    const rows: Array<Record<string, unknown>> = await db(table).orderBy(keys);
    return rows.map((row) => shape.serialize(row));
  };
  return {
    PRD_MSTR: await dump('PRD_MSTR', ['PRD_ID'], productShape),
    CUST_MSTR: await dump('CUST_MSTR', ['CUST_ID'], customerShape),
    ORD_HDR: await dump('ORD_HDR', ['ORD_ID'], orderHeaderShape),
    ORD_LN: await dump('ORD_LN', ['ORD_ID', 'ORD_LN_NO'], orderLineShape),
    INV_BAL: await dump('INV_BAL', ['PRD_ID'], inventoryShape),
  };
}

export function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

export async function countRows(db: Knex, table: string): Promise<number> {
  const row: Record<string, unknown> | undefined = await db(table).count({ N: '*' }).first();
  return Number(row?.N ?? 0);
}
