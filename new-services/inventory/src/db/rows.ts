import { z } from 'zod';
import { describeIssues, fieldIssues, storedInteger } from '../../../../platform';
import { ReservationStateSchema, type Reservation } from '../contract';
import type { StockLevel } from '../domain/stock';

/** A row of `inventory_stock`, parsed at the boundary (mysql2 may hand integers back as strings). */
const StockRowSchema = z.object({
  product_id: storedInteger,
  on_hand: storedInteger,
  held: storedInteger,
  reserved: storedInteger,
  updated_at: z.string(),
});

const ReservationRowSchema = z.object({
  id: z.string(),
  product_id: storedInteger.nullable(),
  quantity: storedInteger,
  state: ReservationStateSchema,
  expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const STOCK_COLUMNS = ['product_id', 'on_hand', 'held', 'reserved', 'updated_at'] as const;
export const RESERVATION_COLUMNS = ['id', 'product_id', 'quantity', 'state', 'expires_at', 'created_at', 'updated_at'] as const;

export function stockFromRow(row: unknown): StockLevel {
  const parsed = StockRowSchema.safeParse(row);
  if (!parsed.success) throw new Error(`unreadable inventory_stock row: ${describeIssues(fieldIssues(parsed.error))}`);
  const r = parsed.data;
  return { productId: r.product_id, onHand: r.on_hand, held: r.held, reservedHere: r.reserved, updatedAt: r.updated_at };
}

export function reservationFromRow(row: unknown): Reservation {
  const parsed = ReservationRowSchema.safeParse(row);
  if (!parsed.success) throw new Error(`unreadable inventory_reservations row: ${describeIssues(fieldIssues(parsed.error))}`);
  const r = parsed.data;
  return { id: r.id, productId: r.product_id, quantity: r.quantity, state: r.state, expiresAt: r.expires_at, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function reservationToRow(r: Reservation): Record<string, unknown> {
  return { id: r.id, product_id: r.productId, quantity: r.quantity, state: r.state, expires_at: r.expiresAt, created_at: r.createdAt, updated_at: r.updatedAt };
}
