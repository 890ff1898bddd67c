import type { Knex } from 'knex';
import type { DbRow } from '../db/raw-rows';
import type { Paging } from './params';
import type { LegacyJson, Shape } from './shapes';

/** The monolith's page envelope. */
export interface LegacyPage {
  PAGE: number;
  SIZE: number;
  TOTAL: number;
  ROWS: LegacyJson[];
}

/** One page of a table in key order; the key makes paging stable across both databases. */
export async function readPage(db: Knex, table: string, key: string, shape: Shape, paging: Paging): Promise<LegacyPage> {
  const counted: DbRow | undefined = await db(table).count({ N: '*' }).first();
  const rows: DbRow[] = await db(table)
    .select(shape.columns)
    .orderBy(key, 'asc')
    .limit(paging.size)
    .offset(paging.offset);
  return {
    PAGE: paging.page,
    SIZE: paging.size,
    TOTAL: Number(counted?.N ?? 0),
    ROWS: rows.map((row) => shape.serialize(row)),
  };
}

/** One row by key, serialised; undefined when absent. */
export async function readOne(db: Knex, table: string, key: string, id: number, shape: Shape): Promise<LegacyJson | undefined> {
  const row: DbRow | undefined = await db(table).where(key, id).first(shape.columns);
  return row === undefined ? undefined : shape.serialize(row);
}
