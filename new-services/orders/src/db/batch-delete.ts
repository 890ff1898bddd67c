import type { Knex } from 'knex';
import type { BatchDeleteResult } from '../contract';
import { T } from './tables';

/** Ids per statement, as for the import: under SQLite's bound-variable limit and MySQL's packet size. */
const CHUNK = 200;

/**
 * The backfill's delete: each order goes with its lines and with the idempotency records that
 * answer with it (a replay must not hand out an order that no longer exists). Ids with no order
 * are `missing`. `dryRun` counts without deleting.
 */
export async function deleteOrders(trx: Knex.Transaction, ids: readonly number[], dryRun: boolean): Promise<BatchDeleteResult> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    if (dryRun) {
      const counted: { n?: number | string } | undefined = await trx(T.orders).whereIn('id', chunk).count({ n: '*' }).first();
      deleted += Number(counted?.n ?? 0);
      continue;
    }
    await trx(T.idempotency).whereIn('order_id', chunk).delete();
    await trx(T.lines).whereIn('order_id', chunk).delete();
    // The affected-row count, not an earlier read, so a concurrent delete is never counted twice.
    deleted += await trx(T.orders).whereIn('id', chunk).delete();
  }
  return { deleted, missing: ids.length - deleted };
}
