import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DuplicateIdError, DuplicateSkuError, PreconditionFailedError } from '../domain/errors';
import type { CatalogLogger } from './logger';
import { HttpProblem, sendProblem } from './problems';

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, new HttpProblem('not-found', `no such resource: ${req.method} ${req.path}`));
};

/** Answers 405 with the Allow header for a path that exists under other methods. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req) => {
    throw new HttpProblem('method-not-allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}`, [], { allow: allowed.join(', ') });
  };
}

/** Errors raised by express's body parser carry a status and a type; nothing else of them should leak out. */
function parserProblem(err: unknown): HttpProblem | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, type } = err as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.parse.failed') return new HttpProblem('invalid-json', 'request body is not valid JSON');
  if (type === 'entity.too.large') return new HttpProblem('payload-too-large', 'request body exceeds the 5 MB limit');
  if (status === 415) return new HttpProblem('unsupported-media-type', 'request body encoding or charset is not supported');
  return new HttpProblem('bad-request', 'request body could not be read');
}

/** Domain refusals become their HTTP meaning here, so the domain stays free of status codes. */
function domainProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof PreconditionFailedError) return new HttpProblem('precondition-failed', err.message);
  if (err instanceof DuplicateSkuError) return new HttpProblem('duplicate-sku', err.message);
  if (err instanceof DuplicateIdError) return new HttpProblem('validation-failed', err.message);
  return undefined;
}

export function errorHandler(logger: CatalogLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof HttpProblem ? err : (domainProblem(err) ?? parserProblem(err));
    if (known === undefined) {
      logger.error('unhandled error', {
        requestId: res.locals.requestId,
        method: req.method,
        path: req.originalUrl,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, known ?? new HttpProblem('internal-error', 'internal error'));
  };
}
