import { HTTP_PROBLEMS, Problem, type FieldIssue } from '../../../../platform';

/** Every problem the orders service answers with, and its status, in one place. */
export const PROBLEMS = {
  ...HTTP_PROBLEMS,
  'invalid-body': { status: 400, title: 'Request body does not fit the contract' },
  'invalid-parameter': { status: 400, title: 'Invalid parameter' },
  'missing-idempotency-key': { status: 400, title: 'Idempotency-Key header required' },
  'order-not-found': { status: 404, title: 'Order not found' },
  'saga-not-found': { status: 404, title: 'Saga not found' },
  'out-of-stock': { status: 409, title: 'Not enough stock' },
  'order-pending': { status: 409, title: 'Order is still being placed' },
  'idempotency-key-in-flight': { status: 409, title: 'A request with this Idempotency-Key is still running' },
  'saga-not-retriable': { status: 409, title: 'Saga is not waiting for a retry' },
  'illegal-status-transition': { status: 409, title: 'Status transition not allowed' },
  'product-not-orderable': { status: 409, title: 'Product cannot be ordered' },
  'concurrent-update': { status: 409, title: 'Concurrent update' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused with a different request' },
  'unknown-product': { status: 422, title: 'Unknown product' },
  'order-invariant-violated': { status: 422, title: 'Order breaks an invariant' },
  'catalog-unavailable': { status: 503, title: 'Catalog unavailable' },
  'inventory-unavailable': { status: 503, title: 'Inventory unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export type { FieldIssue };

/** An error answered as RFC 9457 problem+json; `members` adds extension members such as `allowed`. */
export class HttpProblem extends Problem {
  constructor(code: ProblemCode, detail: string, errors?: readonly FieldIssue[], members: Readonly<Record<string, unknown>> = {}) {
    super(code, PROBLEMS[code], detail, errors, { members });
  }
}
