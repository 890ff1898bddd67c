import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { CatalogLogger } from './logger';
import { isShadowCopy } from './shadow';

/** Logs one line per finished request, carrying the caller's x-request-id (or a fresh one) for correlation. */
export function requestLog(logger: CatalogLogger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const header = req.get('x-request-id');
    const requestId = header !== undefined && header !== '' ? header : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const shadow = isShadowCopy(req);
    res.on('finish', () => {
      logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        // Lets an operator tell mirrored traffic (which wrote nothing) from real traffic.
        ...(shadow ? { shadow: true } : {}),
      });
    });
    next();
  };
}
