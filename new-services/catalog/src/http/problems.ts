import type { Response } from 'express';

/** Every error the catalog answers with, and its status, in one place (RFC 9457 problem+json). */
export const PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'invalid-json': { status: 400, title: 'Request body is not valid JSON' },
  'validation-failed': { status: 400, title: 'Request does not match the contract' },
  'bad-parameter': { status: 400, title: 'Bad path or query parameter' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'duplicate-sku': { status: 409, title: 'SKU already in use' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'internal-error': { status: 500, title: 'Internal error' },
  'database-unavailable': { status: 503, title: 'Database unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** A field-level problem, e.g. `{ path: "price.amount", message: "must be an integer number of minor units" }`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** An error the catalog answers with a problem+json body. */
export class HttpProblem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors: readonly FieldIssue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = PROBLEMS[code].status;
  }
}

/** Writes the problem; the request id ties the answer to the log line. */
export function sendProblem(res: Response, problem: HttpProblem): void {
  const requestId: unknown = res.locals.requestId;
  const body = {
    type: `urn:strangler:problem:${problem.code}`,
    title: PROBLEMS[problem.code].title,
    status: problem.status,
    detail: problem.message,
    ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
  res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(body));
}
