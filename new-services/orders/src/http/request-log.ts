import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { OrdersLogger } from './logger';
import { isShadowRequest } from './shadow';

/** Logs one line per finished request, carrying the caller's x-request-id (or a fresh one) for correlation. */
export function requestLog(logger: OrdersLogger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const header = req.get('x-request-id');
    const requestId = header !== undefined && header !== '' && header.length <= 200 ? header : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        ...(isShadowRequest(req) ? { shadow: true } : {}),
      });
    });
    next();
  };
}
