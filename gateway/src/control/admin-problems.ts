import type { Response } from 'express';
import { HTTP_PROBLEMS, Problem, PROBLEM_TYPE_PREFIX, type ProblemBody } from '../../../platform';
import { ControlError } from './errors';

/**
 * Refusals that belong to the admin API's HTTP edge rather than to a control operation (the
 * control's own refusals are ControlError). Both are answered with the same problem+json shape,
 * so a client parses one format whatever refused it.
 */
export const ADMIN_PROBLEMS = {
  ...HTTP_PROBLEMS,
  'admin-disabled': { status: 503, title: 'Admin API disabled' },
  unauthorized: { status: 401, title: 'Missing or wrong bearer token' },
  'browser-refused': { status: 403, title: 'Browser requests refused' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
} as const;

export type AdminProblemCode = keyof typeof ADMIN_PROBLEMS;

/** A refusal at the admin API's edge; `headers` are sent with the problem (WWW-Authenticate, Allow). */
export class AdminHttpError extends Problem {
  constructor(code: AdminProblemCode, detail: string, headers: Readonly<Record<string, string>> = {}) {
    super(code, ADMIN_PROBLEMS[code], detail, [], { headers });
    this.name = 'AdminHttpError';
  }
}

export { PROBLEM_TYPE_PREFIX };

/** The problem body; a ControlError's details are spread first, so that they cannot override the fixed fields. */
export function problemOf(e: ControlError | AdminHttpError): ProblemBody {
  const details = e instanceof ControlError ? e.details : {};
  return { ...details, type: `${PROBLEM_TYPE_PREFIX}${e.code}`, title: e.title, status: e.status, detail: e.message };
}

export function sendProblem(res: Response, e: ControlError | AdminHttpError): void {
  if (e instanceof AdminHttpError) res.set(e.extras.headers ?? {});
  res.status(e.status).type('application/problem+json').send(JSON.stringify(problemOf(e)));
}
