import type { Response } from 'express';
import { ControlError } from './errors';

/**
 * Refusals that belong to the admin API's HTTP edge rather than to a control operation (the
 * control's own refusals are ControlError). Both are answered with the same problem+json shape,
 * so a client parses one format whatever refused it.
 */
export const ADMIN_PROBLEMS = {
  'admin-disabled': { status: 503, title: 'Admin API disabled' },
  unauthorized: { status: 401, title: 'Missing or wrong bearer token' },
  'browser-refused': { status: 403, title: 'Browser requests refused' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'internal-error': { status: 500, title: 'Internal admin API error' },
} as const;

export type AdminProblemCode = keyof typeof ADMIN_PROBLEMS;

/** A refusal at the admin API's edge; `headers` are sent with the problem (WWW-Authenticate, Allow). */
export class AdminHttpError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: AdminProblemCode,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'AdminHttpError';
    this.status = ADMIN_PROBLEMS[code].status;
    this.title = ADMIN_PROBLEMS[code].title;
  }
}

export const PROBLEM_TYPE_PREFIX = 'urn:strangler:problem:';

/** The fields every problem answer carries; details are spread after them and cannot override them. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extra: string]: unknown;
}

export function problemOf(e: ControlError | AdminHttpError): ProblemBody {
  const details = e instanceof ControlError ? e.details : {};
  return { ...details, type: `${PROBLEM_TYPE_PREFIX}${e.code}`, title: e.title, status: e.status, detail: e.message };
}

export function sendProblem(res: Response, e: ControlError | AdminHttpError): void {
  if (e instanceof AdminHttpError) res.set(e.headers);
  res.status(e.status).type('application/problem+json').send(JSON.stringify(problemOf(e)));
}
