import type { Stock } from '../contract';

/**
 * One product's stock as the service keeps it. `held` is what the previous owner had set aside
 * (the monolith's INV_QTY_RSV, brought over by backfill and sync); `reservedHere` is the sum of
 * this service's own held reservations. Keeping them apart lets a sync refresh the first without
 * ever touching the second.
 */
export interface StockLevel {
  readonly productId: number;
  readonly onHand: number;
  readonly held: number;
  readonly reservedHere: number;
  readonly updatedAt: string;
}

/** The invariant every write keeps, and the database re-checks in its guarded UPDATEs. */
export function availableOf(level: Pick<StockLevel, 'onHand' | 'held' | 'reservedHere'>): number {
  return level.onHand - level.held - level.reservedHere;
}

/** The contract's view: every reserved unit together. */
export function toStock(level: StockLevel): Stock {
  const reserved = level.held + level.reservedHere;
  return { productId: level.productId, onHand: level.onHand, reserved, available: level.onHand - reserved, updatedAt: level.updatedAt };
}

/**
 * Why an imported stock row cannot be stored, or undefined. The import sets `onHand` and `held`
 * (its `reserved`); this service's own reservations stay, so together they must still fit.
 */
export function importViolation(item: Stock, reservedHere: number): string | undefined {
  const available = item.onHand - item.reserved - reservedHere;
  if (available >= 0) return undefined;
  return `${item.onHand} on hand cannot cover ${item.reserved} reserved by the previous owner and ${reservedHere} reserved here`;
}

/** When a reservation made `now` for `ttlSeconds` expires, as the ISO text the store compares. */
export function expiryOf(now: Date, ttlSeconds: number): string {
  return new Date(now.getTime() + ttlSeconds * 1000).toISOString();
}
