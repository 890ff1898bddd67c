import type { ReservationState } from '../contract';

/** Base of every refusal the Inventory domain raises; `code` is stable, the message is for humans. */
export abstract class InventoryDomainError extends Error {
  abstract readonly code: string;
}

/** Fewer units available than asked for: the reservation is refused and nothing is held. */
export class InsufficientStockError extends InventoryDomainError {
  readonly code = 'INSUFFICIENT_STOCK';
  constructor(readonly productId: number, readonly requested: number, readonly available: number) {
    super(`product ${productId}: ${requested} requested, ${available} available`);
    this.name = 'InsufficientStockError';
  }
}

/** No stock row for the product: the inventory does not know it. */
export class StockNotFoundError extends InventoryDomainError {
  readonly code = 'STOCK_NOT_FOUND';
  constructor(readonly productId: number) {
    super(`no stock is kept for product ${productId}`);
    this.name = 'StockNotFoundError';
  }
}

export class ReservationNotFoundError extends InventoryDomainError {
  readonly code = 'RESERVATION_NOT_FOUND';
  constructor(readonly id: string) {
    super(`reservation ${id} does not exist`);
    this.name = 'ReservationNotFoundError';
  }
}

/** The same reservation id asked again for something else: refusing is the only answer that cannot be wrong. */
export class ReservationIdReusedError extends InventoryDomainError {
  readonly code = 'RESERVATION_ID_REUSED';
  constructor(readonly id: string) {
    super(`reservation ${id} already exists for a different product or quantity; use a new id`);
    this.name = 'ReservationIdReusedError';
  }
}

/** A step the reservation's state does not allow (commit a released one, reserve again after a release). */
export class ReservationStateError extends InventoryDomainError {
  readonly code = 'RESERVATION_STATE';
  constructor(readonly id: string, readonly state: ReservationState, readonly wanted: string) {
    super(`reservation ${id} is ${state}; it cannot be ${wanted}`);
    this.name = 'ReservationStateError';
  }
}

/** An import that would leave a product with fewer units on hand than are reserved; `index` is the batch item. */
export class StockInvariantError extends InventoryDomainError {
  readonly code = 'STOCK_INVARIANT_VIOLATED';
  constructor(readonly items: ReadonlyArray<{ index: number; productId: number; message: string }>) {
    super(items.map((i) => `product ${i.productId}: ${i.message}`).join('; '));
    this.name = 'StockInvariantError';
  }
}
