import type { BatchDeleteResult, Order, OrderStatus, OrderSummary } from '../contract';
import type { NewOrder } from '../domain';

/** What an Idempotency-Key remembers: the request it was first used with and the answer given. */
export interface IdempotencyRecord {
  readonly key: string;
  readonly requestHash: string;
  readonly orderId: number | null;
  readonly status: number;
  readonly body: unknown;
}

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface BatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The orders store. The HTTP layer talks to this, never to knex. */
export interface OrdersRepository {
  ping(): Promise<void>;
  findIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the order, its lines and the idempotency record in one transaction and returns the
   * stored order. Throws IdempotencyKeyTakenError (nothing written) when the key already exists.
   */
  createOrder(order: NewOrder, idempotency: { key: string; requestHash: string }, respond: (order: Order) => StoredResponse): Promise<Order>;
  getOrder(id: number): Promise<Order | undefined>;
  listOrders(paging: { offset: number; limit: number }): Promise<{ items: OrderSummary[]; total: number }>;
  /** A page of whole orders (lines included) in id order, each exactly as `getOrder` reads it. */
  listFullOrders(paging: { offset: number; limit: number }): Promise<{ items: Order[]; total: number }>;
  /** Writes the new status unless the stored one is no longer `expected`; false when another writer got there first. */
  updateStatus(order: Order, expected: OrderStatus): Promise<boolean>;
  /** Upserts orders by id in one transaction; identical orders are not rewritten. `dryRun` only counts. */
  importOrders(orders: readonly Order[], options: { dryRun: boolean }): Promise<BatchResult>;
  /**
   * Deletes the orders with these (unique) ids, their lines and the idempotency records pointing
   * at them, in one transaction; ids with no order count as `missing`. `dryRun` only counts.
   */
  deleteOrders(ids: readonly number[], options: { dryRun: boolean }): Promise<BatchDeleteResult>;
  /** The id the next created order would most likely get: a provisional id for shadow answers. */
  nextOrderId(): Promise<number>;
}
