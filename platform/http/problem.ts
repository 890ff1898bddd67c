import type { Response } from 'express';

/** What a problem code means over HTTP: its status, and a title that stays the same for every occurrence (RFC 9457 §3.1). */
export interface ProblemKind {
  readonly status: number;
  readonly title: string;
}

/** A field-level problem, e.g. `{ path: "lines[0].quantity", message: "must be at least 1" }`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** The rest of a problem: extension members of the body (`allowed`, `reason`) and headers to send with it (`Allow`). */
export interface ProblemExtras {
  readonly members?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An RFC 9457 problem+json body as every part writes it. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldIssue[];
  readonly requestId?: string;
  readonly [member: string]: unknown;
}

/** Problem types are URNs: stable names a client can switch on, with nothing to dereference. */
export const PROBLEM_TYPE_PREFIX = 'urn:strangler:problem:';

/**
 * An error answered with a problem+json body. Parts subclass it with their own table of codes,
 * so that a code can only be one the part declared.
 */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: string,
    kind: ProblemKind,
    detail: string,
    readonly errors: readonly FieldIssue[] = [],
    readonly extras: ProblemExtras = {},
  ) {
    super(detail);
    this.name = 'Problem';
    this.status = kind.status;
    this.title = kind.title;
  }
}

/** The body of a problem; the request id ties the answer to its log line. */
export function problemBody(problem: Problem, requestId?: string): ProblemBody {
  return {
    type: `${PROBLEM_TYPE_PREFIX}${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
    ...problem.extras.members,
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/** Writes the problem with its headers, carrying the id the request log gave the request. */
export function sendProblem(res: Response, problem: Problem): void {
  const requestId: unknown = res.locals.requestId;
  const body = problemBody(problem, typeof requestId === 'string' ? requestId : undefined);
  res
    .status(problem.status)
    .set(problem.extras.headers ?? {})
    .type('application/problem+json')
    .send(JSON.stringify(body));
}
