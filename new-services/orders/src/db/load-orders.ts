import type { Knex } from 'knex';
import type { Order } from '../contract';
import { LINE_COLUMNS, ORDER_COLUMNS, rowsToOrder, type LineRow, type OrderRow } from './order-rows';
import { T } from './tables';

/** Whole orders for these ids (absent ids are simply not in the map), in two queries rather than one per order. */
export async function loadOrders(q: Knex | Knex.Transaction, ids: readonly number[]): Promise<Map<number, Order>> {
  if (ids.length === 0) return new Map();
  const headers: OrderRow[] = await q(T.orders).whereIn('id', ids).select(ORDER_COLUMNS);
  const lines: LineRow[] = await q(T.lines).whereIn('order_id', ids).select(LINE_COLUMNS);
  const byOrder = new Map<number, LineRow[]>();
  for (const line of lines) {
    const list = byOrder.get(Number(line.order_id)) ?? [];
    list.push(line);
    byOrder.set(Number(line.order_id), list);
  }
  return new Map(headers.map((h) => [Number(h.id), rowsToOrder(h, byOrder.get(Number(h.id)) ?? [])]));
}
