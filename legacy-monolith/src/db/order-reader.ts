import type { Knex } from 'knex';
import type { DbRow } from './raw-rows';
import { T } from './tables';

/** An order header row with its lines, as stored. */
export interface StoredOrder {
  header: DbRow;
  lines: DbRow[];
}

export const ORDER_HEADER_COLUMNS = [
  'ORD_ID', 'CUST_ID', 'ORD_DT', 'ORD_STS', 'ORD_TOT_AMT', 'ORD_SHP_TS', 'ORD_RMK', 'ORD_UPD_TS',
] as const;
export const ORDER_LINE_COLUMNS = [
  'ORD_ID', 'ORD_LN_NO', 'PRD_ID', 'ORD_LN_QTY', 'ORD_LN_PRC', 'ORD_LN_AMT', 'ORD_LN_UPD_TS',
] as const;

/** Reads one order with its lines in line-number order; undefined when the header does not exist. */
export async function readOrder(db: Knex, orderId: number): Promise<StoredOrder | undefined> {
  const header: DbRow | undefined = await db(T.orderHeader).where('ORD_ID', orderId).first(ORDER_HEADER_COLUMNS);
  if (header === undefined) return undefined;
  const lines: DbRow[] = await db(T.orderLine)
    .where('ORD_ID', orderId)
    .orderBy('ORD_LN_NO', 'asc')
    .select(ORDER_LINE_COLUMNS);
  return { header, lines };
}
