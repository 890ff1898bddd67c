import type { Knex } from 'knex';
import { centsToDecimal, toCents } from './money';
import { legacyDate, legacyTimestamp } from './legacy-time';
import type { DbRow } from './raw-rows';
import { ORD_STS, PRD_STS, T } from './tables';

/** An order as checkout submits it. */
export interface NewOrder {
  CUST_ID: number;
  ORD_RMK?: string | null | undefined;
  LINES: ReadonlyArray<{ PRD_ID: number; ORD_LN_QTY: number }>;
}

export type OrderRejection = 'CUST_NOT_FND' | 'PRD_NOT_FND' | 'PRD_NOT_SELLABLE' | 'INSUF_STK';

/** Thrown inside the checkout transaction so that it rolls back; nothing is written. */
export class OrderRejectedError extends Error {
  constructor(readonly reason: OrderRejection, message: string) {
    super(message);
    this.name = 'OrderRejectedError';
  }
}

async function priceLines(trx: Knex.Transaction, order: NewOrder): Promise<Map<number, number>> {
  const ids = [...new Set(order.LINES.map((l) => l.PRD_ID))];
  const rows: DbRow[] = await trx(T.product).whereIn('PRD_ID', ids).select('PRD_ID', 'PRD_PRC', 'PRD_STS');
  const byId = new Map(rows.map((r) => [Number(r.PRD_ID), r]));
  const prices = new Map<number, number>();
  for (const id of ids) {
    const row = byId.get(id);
    if (row === undefined) throw new OrderRejectedError('PRD_NOT_FND', `product ${id} does not exist`);
    if (row.PRD_STS !== PRD_STS.active) {
      throw new OrderRejectedError('PRD_NOT_SELLABLE', `product ${id} is not sellable (status ${String(row.PRD_STS)})`);
    }
    prices.set(id, toCents(row.PRD_PRC));
  }
  return prices;
}

async function takeStock(trx: Knex.Transaction, order: NewOrder, stamp: string): Promise<void> {
  const wanted = new Map<number, number>();
  for (const line of order.LINES) wanted.set(line.PRD_ID, (wanted.get(line.PRD_ID) ?? 0) + line.ORD_LN_QTY);
  // Ascending product order so two concurrent checkouts lock INV_BAL rows in the same order (no deadlock on MySQL).
  for (const [id, qty] of [...wanted].sort((a, b) => a[0] - b[0])) {
    // The guard is in the UPDATE itself, so a concurrent checkout cannot oversell between a read and a write.
    const changed = await trx(T.inventory)
      .where('PRD_ID', id)
      .andWhereRaw('INV_QTY_OH - INV_QTY_RSV >= ?', [qty])
      .update({ INV_QTY_OH: trx.raw('INV_QTY_OH - ?', [qty]), INV_UPD_TS: stamp });
    if (changed === 0) throw new OrderRejectedError('INSUF_STK', `insufficient stock for product ${id} (wanted ${qty})`);
  }
}

/**
 * Checkout: prices each line from PRD_MSTR, takes the stock from INV_BAL and writes header and lines,
 * all in one transaction. Returns the new ORD_ID; throws OrderRejectedError when the order cannot be taken.
 */
export async function placeOrder(db: Knex, order: NewOrder, now: Date): Promise<number> {
  const stamp = legacyTimestamp(now);
  return db.transaction(async (trx) => {
    const customer: DbRow | undefined = await trx(T.customer).where('CUST_ID', order.CUST_ID).first('CUST_ID');
    if (customer === undefined) {
      throw new OrderRejectedError('CUST_NOT_FND', `customer ${order.CUST_ID} does not exist`);
    }
    const prices = await priceLines(trx, order);
    await takeStock(trx, order, stamp);
    const lines = order.LINES.map((line, i) => {
      const price = prices.get(line.PRD_ID) ?? 0;
      return {
        ORD_LN_NO: i + 1, PRD_ID: line.PRD_ID, ORD_LN_QTY: line.ORD_LN_QTY,
        ORD_LN_PRC: centsToDecimal(price), ORD_LN_AMT: centsToDecimal(price * line.ORD_LN_QTY), ORD_LN_UPD_TS: stamp,
      };
    });
    const total = order.LINES.reduce((sum, l) => sum + (prices.get(l.PRD_ID) ?? 0) * l.ORD_LN_QTY, 0);
    const [orderId] = await trx(T.orderHeader).insert({
      CUST_ID: order.CUST_ID, ORD_DT: legacyDate(now), ORD_STS: ORD_STS.new, ORD_TOT_AMT: centsToDecimal(total),
      ORD_SHP_TS: null, ORD_RMK: order.ORD_RMK ?? null, ORD_UPD_TS: stamp,
    });
    if (typeof orderId !== 'number') throw new Error('order insert returned no id');
    await trx(T.orderLine).insert(lines.map((l) => ({ ORD_ID: orderId, ...l })));
    return orderId;
  });
}
