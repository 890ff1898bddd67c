import type { Request, RequestHandler } from 'express';
import type { Logger } from '../log/logger';
import { withRequestId } from '../log/request-context';
import { serviceSpans } from '../trace/service-spans';
import { continueTrace, runInTrace } from '../trace/trace-scope';
import { requestIdFrom } from './request-id';

/** Fields a part adds to its request lines, e.g. `{ shadow: true }` on a mirrored copy. */
export type RequestLogFields = (req: Request) => Readonly<Record<string, unknown>>;

/**
 * Gives each request its id (see {@link requestIdFrom}), answers it in `x-request-id`, keeps it in
 * `res.locals.requestId` for problem bodies and error logs, and writes one line per finished
 * request: `request` with requestId, traceId, method, path, status and durationMs. The request's
 * W3C trace is continued from its `traceparent` (or started) and the rest of the request runs
 * inside it, so that the calls it makes carry it on (see `traceHeaders`).
 */
export function requestLog(logger: Logger, fields?: RequestLogFields): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const incoming = continueTrace(req.headers);
    // With tracing on, the request's span takes this hop's place in the trace (its id, its sampling).
    const span = serviceSpans()?.request(req.method, req.path, incoming, requestId) ?? null;
    const trace = span === null ? incoming : span.trace;
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      span?.end(res.statusCode);
      logger.info('request', {
        requestId,
        traceId: trace.traceId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        ...fields?.(req),
      });
    });
    // Everything the request goes on to do runs in its context: any line logged for it carries its id,
    // and its outgoing calls carry its trace.
    withRequestId(requestId, () => runInTrace(trace, next));
  };
}
