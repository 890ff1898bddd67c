import type { Knex } from 'knex';
import type { Order } from '../contract';
import { T } from './tables';
import { loadOrders } from './load-orders';
import { headerToRow, linesToRows, sameOrder } from './order-rows';
import type { BatchResult } from './repository';

/** Rows per INSERT: keeps statements under SQLite's bound-variable limit and MySQL's packet size. */
const CHUNK = 200;

async function insertChunked(trx: Knex.Transaction, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK));
}

/**
 * The backfill's upsert: new ids are inserted with their id, changed orders have header and lines
 * rewritten, identical ones are left alone (so a re-run writes nothing and bumps no timestamps).
 */
export async function importOrders(trx: Knex.Transaction, orders: readonly Order[], dryRun: boolean): Promise<BatchResult> {
  const existing = await loadOrders(trx, orders.map((o) => o.id));
  const fresh = orders.filter((o) => !existing.has(o.id));
  const changed = orders.filter((o) => {
    const stored = existing.get(o.id);
    return stored !== undefined && !sameOrder(stored, o);
  });
  const result: BatchResult = { inserted: fresh.length, updated: changed.length, unchanged: orders.length - fresh.length - changed.length };
  if (dryRun) return result;
  await insertChunked(trx, T.orders, fresh.map((o) => ({ id: o.id, ...headerToRow(o) })));
  if (changed.length > 0) {
    await trx(T.lines).whereIn('order_id', changed.map((o) => o.id)).delete();
    for (const o of changed) await trx(T.orders).where('id', o.id).update(headerToRow(o));
  }
  await insertChunked(trx, T.lines, [...fresh, ...changed].flatMap((o) => linesToRows(o.id, o.lines)));
  return result;
}
