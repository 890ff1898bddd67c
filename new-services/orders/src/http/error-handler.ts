import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isCatalogUnavailable } from '../catalog-client';
import { ConcurrentUpdateError } from '../db/errors';
import { IllegalTransitionError, OrderInvariantError, ProductNotOrderableError } from '../domain';
import type { OrdersLogger } from './logger';
import { HttpProblem, sendProblem } from './problems';

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, new HttpProblem('not-found', `no such resource: ${req.method} ${req.path}`));
};

/** Errors raised by express's body parser carry a status and a type; nothing else of them leaks out. */
function parserProblem(err: unknown): HttpProblem | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, type } = err as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.parse.failed') return new HttpProblem('bad-request', 'request body is not valid JSON');
  if (type === 'entity.too.large') return new HttpProblem('payload-too-large', 'request body is too large');
  return new HttpProblem('bad-request', 'request body could not be read');
}

/** Domain and dependency errors to problems: the one place that knows which status each one is. */
export function toProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  if (err instanceof OrderInvariantError) {
    return new HttpProblem('order-invariant-violated', err.message, err.violations.map(({ path, message }) => ({ path, message })));
  }
  if (err instanceof IllegalTransitionError) {
    return new HttpProblem('illegal-status-transition', err.message, undefined, { from: err.from, to: err.to, allowed: err.allowed });
  }
  if (err instanceof ProductNotOrderableError) {
    const errors = err.lines.map((l) => ({ path: `lines[${l.index}].productId`, message: `product ${l.productId} is ${l.status}, not active` }));
    return new HttpProblem('product-not-orderable', err.message, errors);
  }
  if (isCatalogUnavailable(err)) return new HttpProblem('catalog-unavailable', err.message, undefined, { reason: err.reason });
  if (err instanceof ConcurrentUpdateError) return new HttpProblem('concurrent-update', err.message);
  return parserProblem(err);
}

export function errorHandler(logger: OrdersLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = toProblem(err);
    if (known === undefined) {
      logger.error('unhandled error', {
        requestId: res.locals.requestId,
        method: req.method,
        path: req.originalUrl,
        error: err instanceof Error ? err.message : String(err),
      });
    } else if (known.status >= 500) {
      logger.warn('dependency failure', { requestId: res.locals.requestId, code: known.code, detail: known.message });
    }
    sendProblem(res, known ?? new HttpProblem('internal-error', 'internal error'));
  };
}
