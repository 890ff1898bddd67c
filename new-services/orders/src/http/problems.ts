import type { Response } from 'express';

/** Every problem the orders service answers with, and its status, in one place. */
export const PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'invalid-body': { status: 400, title: 'Request body does not fit the contract' },
  'invalid-parameter': { status: 400, title: 'Invalid parameter' },
  'missing-idempotency-key': { status: 400, title: 'Idempotency-Key header required' },
  'not-found': { status: 404, title: 'Not found' },
  'order-not-found': { status: 404, title: 'Order not found' },
  'illegal-status-transition': { status: 409, title: 'Status transition not allowed' },
  'product-not-orderable': { status: 409, title: 'Product cannot be ordered' },
  'concurrent-update': { status: 409, title: 'Concurrent update' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused with a different request' },
  'unknown-product': { status: 422, title: 'Unknown product' },
  'order-invariant-violated': { status: 422, title: 'Order breaks an invariant' },
  'internal-error': { status: 500, title: 'Internal error' },
  'catalog-unavailable': { status: 503, title: 'Catalog unavailable' },
  'database-unavailable': { status: 503, title: 'Database unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** A field-level problem, e.g. `{ path: "lines[0].quantity", message: "Too small: expected number to be >=1" }`. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** An error answered as RFC 9457 problem+json; `extra` adds members such as `allowed`. */
export class HttpProblem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors?: readonly FieldError[],
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = PROBLEMS[code].status;
  }
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `urn:strangler:problem:${problem.code}`,
        title: PROBLEMS[problem.code].title,
        status: problem.status,
        detail: problem.message,
        ...(problem.errors === undefined ? {} : { errors: problem.errors }),
        ...problem.extra,
        ...(requestId === undefined ? {} : { requestId }),
      }),
    );
}
