import type { BatchDeleteResult, Reservation, Stock } from '../contract';

export interface BatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What a reserve asks for; the id is the caller's, which makes a repeat of it a replay. */
export interface ReserveRequest {
  readonly id: string;
  readonly productId: number;
  readonly quantity: number;
  readonly ttlSeconds: number;
}

/** A reservation, and whether this call created it (false: a replay of an earlier reserve). */
export interface ReserveOutcome {
  readonly reservation: Reservation;
  readonly created: boolean;
}

/** `dryRun` answers what the call would do and writes nothing (shadow copies). */
export interface WriteOptions {
  readonly dryRun: boolean;
}

/** The inventory store. The HTTP layer and the expiry sweep talk to this, never to knex. */
export interface InventoryRepository {
  ping(): Promise<void>;
  getStock(productId: number): Promise<Stock | undefined>;
  listStock(paging: { offset: number; limit: number }): Promise<{ items: Stock[]; total: number }>;
  /**
   * Upserts stock by product id in one transaction: `onHand` and `reserved` (the previous owner's
   * set-aside units) are stored, this service's own reservations are kept. Identical rows are not
   * rewritten. Throws StockInvariantError (nothing written) when an item would leave too little on hand.
   */
  importStock(items: readonly Stock[], options: WriteOptions): Promise<BatchResult>;
  deleteStock(ids: readonly number[], options: WriteOptions): Promise<BatchDeleteResult>;
  /**
   * Holds `quantity` units, or throws InsufficientStockError / StockNotFoundError with nothing
   * held. A repeat of the same id and request answers the stored reservation; a different
   * request under that id is ReservationIdReusedError; an id already released (or expired) cannot hold again.
   */
  reserve(request: ReserveRequest, now: Date, options: WriteOptions): Promise<ReserveOutcome>;
  /** The held units leave stock for good. Idempotent; an expired reservation is taken again if the units are still there. */
  commit(id: string, now: Date, options: WriteOptions): Promise<Reservation>;
  /** The held units return to available. Idempotent; an unknown id leaves a tombstone so that a late reserve holds nothing. */
  release(id: string, now: Date, options: WriteOptions): Promise<Reservation>;
  getReservation(id: string): Promise<Reservation | undefined>;
  /** Expires up to `limit` held reservations whose deadline is at or before `now`; returns how many. */
  expireDue(now: Date, limit: number): Promise<number>;
}
