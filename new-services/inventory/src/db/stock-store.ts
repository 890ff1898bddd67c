import type { Knex } from 'knex';
import type { BatchDeleteResult, Stock } from '../contract';
import { StockInvariantError } from '../domain/errors';
import { importViolation, toStock, type StockLevel } from '../domain/stock';
import type { BatchResult } from './repository';
import { STOCK_COLUMNS, stockFromRow } from './rows';
import { T } from './tables';

/** Rows per statement: under SQLite's bound-variable limit and MySQL's packet size. */
const CHUNK = 200;

export async function readLevel(q: Knex | Knex.Transaction, productId: number): Promise<StockLevel | undefined> {
  const row: unknown = await q(T.stock).where('product_id', productId).first(STOCK_COLUMNS);
  return row === undefined ? undefined : stockFromRow(row);
}

export async function readStock(db: Knex, productId: number): Promise<Stock | undefined> {
  const level = await readLevel(db, productId);
  return level === undefined ? undefined : toStock(level);
}

export async function listStock(db: Knex, { offset, limit }: { offset: number; limit: number }): Promise<{ items: Stock[]; total: number }> {
  const counted: { n?: number | string } | undefined = await db(T.stock).count({ n: '*' }).first();
  const rows: unknown[] = await db(T.stock).select(STOCK_COLUMNS).orderBy('product_id', 'asc').limit(limit).offset(offset);
  return { items: rows.map((r) => toStock(stockFromRow(r))), total: Number(counted?.n ?? 0) };
}

async function levelsOf(trx: Knex.Transaction, ids: readonly number[]): Promise<Map<number, StockLevel>> {
  const out = new Map<number, StockLevel>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows: unknown[] = await trx(T.stock).whereIn('product_id', ids.slice(i, i + CHUNK)).select(STOCK_COLUMNS);
    for (const row of rows) {
      const level = stockFromRow(row);
      out.set(level.productId, level);
    }
  }
  return out;
}

/**
 * The backfill's and sync's upsert. The import carries the previous owner's view: its on-hand
 * count and what it has set aside (stored as `held`); this service's own reservations stay as
 * they are, and the guarded UPDATE re-checks that they still fit, so a reservation taken while the
 * import ran is never overwritten into a negative availability.
 */
export async function importStock(trx: Knex.Transaction, items: readonly Stock[], dryRun: boolean): Promise<BatchResult> {
  const existing = await levelsOf(trx, items.map((i) => i.productId));
  const violations: Array<{ index: number; productId: number; message: string }> = [];
  const fresh: Stock[] = [];
  const changed: Array<{ index: number; item: Stock }> = [];
  items.forEach((item, index) => {
    const stored = existing.get(item.productId);
    const problem = importViolation(item, stored?.reservedHere ?? 0);
    if (problem !== undefined) violations.push({ index, productId: item.productId, message: problem });
    else if (stored === undefined) fresh.push(item);
    else if (stored.onHand !== item.onHand || stored.held !== item.reserved || stored.updatedAt !== item.updatedAt) changed.push({ index, item });
  });
  if (violations.length > 0) throw new StockInvariantError(violations);
  const result: BatchResult = { inserted: fresh.length, updated: changed.length, unchanged: items.length - fresh.length - changed.length };
  if (dryRun) return result;
  const rows = fresh.map((s) => ({ product_id: s.productId, on_hand: s.onHand, held: s.reserved, reserved: 0, updated_at: s.updatedAt }));
  for (let i = 0; i < rows.length; i += CHUNK) await trx(T.stock).insert(rows.slice(i, i + CHUNK));
  for (const { index, item } of changed) {
    const done = await trx(T.stock)
      .where('product_id', item.productId)
      .andWhereRaw('? - ? - reserved >= 0', [item.onHand, item.reserved])
      .update({ on_hand: item.onHand, held: item.reserved, updated_at: item.updatedAt });
    if (done === 0) throw new StockInvariantError([{ index, productId: item.productId, message: 'reservations taken during the import no longer fit; retry the batch' }]);
  }
  return result;
}

export async function deleteStock(trx: Knex.Transaction, ids: readonly number[], dryRun: boolean): Promise<BatchDeleteResult> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    if (dryRun) {
      const counted: { n?: number | string } | undefined = await trx(T.stock).whereIn('product_id', chunk).count({ n: '*' }).first();
      deleted += Number(counted?.n ?? 0);
    } else {
      // The affected-row count, not an earlier read, so a concurrent delete is never counted twice.
      deleted += await trx(T.stock).whereIn('product_id', chunk).delete();
    }
  }
  return { deleted, missing: ids.length - deleted };
}
