import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log/logger';
import { bodyFailureOf, type BodyFailureCode } from './body-errors';
import { HTTP_PROBLEMS } from './http-problems';
import { Problem, sendProblem } from './problem';

/** A part's own errors (domain refusals, dependency failures) as problems; undefined for anything else. */
export type ProblemMapper = (err: unknown) => Problem | undefined;

const BODY_DETAILS: Readonly<Record<BodyFailureCode, string>> = {
  'invalid-json': 'request body is not valid JSON',
  'payload-too-large': 'request body is too large',
  'unsupported-media-type': 'request body encoding or charset is not supported',
  'bad-request': 'request body could not be read',
};

function bodyProblem(err: unknown): Problem | undefined {
  const failure = bodyFailureOf(err);
  return failure === undefined ? undefined : new Problem(failure.code, HTTP_PROBLEMS[failure.code], BODY_DETAILS[failure.code]);
}

/** The last route: a 404 problem naming what was asked for. */
export const notFoundProblem: RequestHandler = (req, res) => {
  sendProblem(res, new Problem('not-found', HTTP_PROBLEMS['not-found'], `no such resource: ${req.method} ${req.path}`));
};

/**
 * The express error handler of a problem+json part: a Problem as it is, the part's own errors
 * through `toProblem`, body-parser refusals by their cause, and anything else a logged 500 whose
 * body says nothing of the internals. A 5xx the part knows (a dependency down) is logged as a
 * warning. An answer already begun cannot be replaced, so its connection is cut instead.
 */
export function problemResponder(logger: Logger, toProblem: ProblemMapper = () => undefined): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof Problem ? err : (toProblem(err) ?? bodyProblem(err));
    const requestId: unknown = res.locals.requestId;
    if (known === undefined) {
      logger.error('unhandled error', { requestId, method: req.method, path: req.originalUrl, error: err instanceof Error ? err.message : String(err) });
    } else if (known.status >= 500) {
      logger.warn('dependency failure', { requestId, code: known.code, detail: known.message });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, known ?? new Problem('internal-error', HTTP_PROBLEMS['internal-error'], 'internal error'));
  };
}
