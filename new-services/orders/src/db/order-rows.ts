import type { Order, OrderLine, OrderStatus, OrderSummary } from '../contract';
import type { NewOrder } from '../domain';

/** A row of `orders` as both drivers return it (mysql2 may hand BIGINTs back as strings). */
export interface OrderRow {
  id: number | string;
  customer_id: number | string;
  status: string;
  note: string | null;
  total_amount: number | string;
  currency: string;
  placed_at: string;
  updated_at: string;
  rejection_reason: string | null;
}

export interface LineRow {
  order_id: number | string;
  line_no: number | string;
  product_id: number | string;
  quantity: number | string;
  unit_price: number | string;
  amount: number | string;
}

export const ORDER_COLUMNS = ['id', 'customer_id', 'status', 'note', 'total_amount', 'currency', 'placed_at', 'updated_at', 'rejection_reason'] as const;
export const LINE_COLUMNS = ['order_id', 'line_no', 'product_id', 'quantity', 'unit_price', 'amount'] as const;

export function headerToRow(order: NewOrder): Omit<OrderRow, 'id'> {
  return {
    customer_id: order.customerId,
    status: order.status,
    note: order.note,
    total_amount: order.total.amount,
    currency: order.total.currency,
    placed_at: order.placedAt,
    updated_at: order.updatedAt,
    rejection_reason: order.rejectionReason ?? null,
  };
}

export function linesToRows(orderId: number, lines: readonly OrderLine[]): LineRow[] {
  return lines.map((l) => ({
    order_id: orderId,
    line_no: l.lineNo,
    product_id: l.productId,
    quantity: l.quantity,
    unit_price: l.unitPrice.amount,
    amount: l.amount.amount,
  }));
}

export function rowToSummary(row: OrderRow): OrderSummary {
  return {
    id: Number(row.id),
    customerId: Number(row.customer_id),
    status: row.status as OrderStatus,
    note: row.note,
    total: { amount: Number(row.total_amount), currency: row.currency },
    placedAt: row.placed_at,
    updatedAt: row.updated_at,
    ...(row.rejection_reason === null || row.rejection_reason === undefined ? {} : { rejectionReason: row.rejection_reason }),
  };
}

/** Builds the aggregate from its header and its lines (lines in line-number order). */
export function rowsToOrder(row: OrderRow, lines: readonly LineRow[]): Order {
  const { id, customerId, status, note, total, placedAt, updatedAt, rejectionReason } = rowToSummary(row);
  const currency = row.currency;
  return {
    id,
    customerId,
    status,
    note,
    lines: [...lines]
      .sort((a, b) => Number(a.line_no) - Number(b.line_no))
      .map((l) => ({
        lineNo: Number(l.line_no),
        productId: Number(l.product_id),
        quantity: Number(l.quantity),
        unitPrice: { amount: Number(l.unit_price), currency },
        amount: { amount: Number(l.amount), currency },
      })),
    total,
    placedAt,
    updatedAt,
    ...(rejectionReason === undefined ? {} : { rejectionReason }),
  };
}

/** The same order field for field, whatever the key order of either object. */
export function sameOrder(a: Order, b: Order): boolean {
  const canonical = (o: Order): string =>
    JSON.stringify([
      o.id, o.customerId, o.status, o.note, o.total.amount, o.total.currency, o.placedAt, o.updatedAt, o.rejectionReason ?? null,
      o.lines.map((l) => [l.lineNo, l.productId, l.quantity, l.unitPrice.amount, l.unitPrice.currency, l.amount.amount, l.amount.currency]),
    ]);
  return canonical(a) === canonical(b);
}
