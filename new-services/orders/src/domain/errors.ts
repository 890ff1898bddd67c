import type { OrderStatus } from '../contract';

/** One broken rule, located by the path of the offending field (e.g. `lines[1].amount`). */
export interface InvariantViolation {
  readonly code: InvariantCode;
  readonly path: string;
  readonly message: string;
}

export type InvariantCode =
  | 'EMPTY_ORDER'
  | 'DUPLICATE_LINE_NO'
  | 'LINE_AMOUNT_MISMATCH'
  | 'CURRENCY_MISMATCH'
  | 'TOTAL_MISMATCH'
  | 'AMOUNT_TOO_LARGE';

/** Base of every error the Ordering domain raises; `code` is stable, the message is for humans. */
export abstract class OrderDomainError extends Error {
  abstract readonly code: string;
}

/** An order that breaks one or more invariants; carries every violation, not just the first. */
export class OrderInvariantError extends OrderDomainError {
  readonly code = 'ORDER_INVARIANT_VIOLATED';
  constructor(readonly violations: readonly InvariantViolation[]) {
    super(violations.map((v) => `${v.path}: ${v.message}`).join('; '));
    this.name = 'OrderInvariantError';
  }
}

/** A status change the lifecycle does not allow; names the steps that are allowed instead. */
export class IllegalTransitionError extends OrderDomainError {
  readonly code = 'ILLEGAL_STATUS_TRANSITION';
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    readonly allowed: readonly OrderStatus[],
  ) {
    const next = allowed.length === 0 ? `none (${from} is final)` : allowed.join(', ');
    super(`an order cannot go from ${from} to ${to}; allowed next steps: ${next}`);
    this.name = 'IllegalTransitionError';
  }
}

/** A catalog product that exists but cannot be sold (e.g. discontinued); `index` is the request line. */
export class ProductNotOrderableError extends OrderDomainError {
  readonly code = 'PRODUCT_NOT_ORDERABLE';
  constructor(readonly lines: ReadonlyArray<{ index: number; productId: number; status: string }>) {
    super(lines.map((l) => `product ${l.productId} (line ${l.index + 1}) is ${l.status}, not active`).join('; '));
    this.name = 'ProductNotOrderableError';
  }
}

export function isOrderDomainError(err: unknown): err is OrderDomainError {
  return err instanceof OrderDomainError;
}
