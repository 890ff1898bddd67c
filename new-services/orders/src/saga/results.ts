import type { Order } from '../contract';
import type { StoredResponse } from '../db/repository';

/** Lack of stock, as the client is told: the product, what was asked, what was left. */
export interface OutOfStock {
  readonly kind: 'out-of-stock';
  readonly productId: number;
  readonly requested: number;
  readonly available: number;
  /** Absent on a dry run, which creates no order and no saga. */
  readonly orderId?: number;
  readonly sagaId?: string;
}

/** Why the saga turned back before its pivot, as the reserve phase reports it. */
export type ReserveFailure = OutOfStock | { readonly kind: 'unavailable'; readonly reason: string };

export type CheckoutResult =
  | { readonly kind: 'confirmed'; readonly order: Order; readonly sagaId?: string }
  | OutOfStock
  | { readonly kind: 'unavailable'; readonly reason: string; readonly orderId?: number; readonly sagaId?: string }
  /** The order stopped being pending under this run (another run of the saga decided it). */
  | { readonly kind: 'superseded'; readonly orderId: number; readonly sagaId: string };

/** How the HTTP layer words the answers the saga stores with the Idempotency-Key. */
export interface CheckoutAnswers {
  confirmed(order: Order): StoredResponse;
  outOfStock(refusal: OutOfStock): StoredResponse;
}
