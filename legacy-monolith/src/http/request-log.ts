import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { LegacyLogger } from './logger';

/** Logs one line per finished request, carrying the caller's x-request-id (or a fresh one) for correlation. */
export function requestLog(logger: LegacyLogger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const header = req.get('x-request-id');
    const requestId = header !== undefined && header !== '' ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };
}
