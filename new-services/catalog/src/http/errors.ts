import type { RequestHandler } from 'express';
import type { ProblemMapper } from '../../../../platform';
import { DuplicateIdError, DuplicateSkuError, PreconditionFailedError } from '../domain/errors';
import { HttpProblem } from './problems';

/** Answers 405 with the Allow header for a path that exists under other methods. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req) => {
    throw new HttpProblem('method-not-allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}`, [], { allow: allowed.join(', ') });
  };
}

/** Domain refusals become their HTTP meaning here, so the domain stays free of status codes. */
export const domainProblem: ProblemMapper = (err) => {
  if (err instanceof PreconditionFailedError) return new HttpProblem('precondition-failed', err.message);
  if (err instanceof DuplicateSkuError) return new HttpProblem('duplicate-sku', err.message);
  if (err instanceof DuplicateIdError) return new HttpProblem('validation-failed', err.message);
  return undefined;
};
