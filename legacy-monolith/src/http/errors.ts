import type { ErrorRequestHandler, RequestHandler } from 'express';
import { bodyFailureOf, type Logger } from '../../../platform';

/** An error the monolith answers with; `code` becomes ERR_CD in the legacy error body. */
export class LegacyHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'LegacyHttpError';
  }
}

/** The legacy error body every client of the monolith already parses. */
export interface LegacyErrorBody {
  ERR_CD: string;
  ERR_MSG: string;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  const body: LegacyErrorBody = { ERR_CD: 'NOT_FND', ERR_MSG: `no such resource: ${req.method} ${req.path}` };
  res.status(404).json(body);
};

/** A body express's parser refused, in the legacy codes its clients know. */
function parserError(err: unknown): LegacyHttpError | undefined {
  const failure = bodyFailureOf(err);
  if (failure === undefined) return undefined;
  if (failure.code === 'invalid-json') return new LegacyHttpError(400, 'BAD_JSON', 'request body is not valid JSON');
  if (failure.code === 'payload-too-large') return new LegacyHttpError(413, 'BODY_TOO_LRG', 'request body is too large');
  return new LegacyHttpError(failure.status, 'BAD_REQ', 'request could not be read');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof LegacyHttpError ? err : parserError(err);
    if (known === undefined) {
      logger.error('unhandled error', {
        method: req.method,
        path: req.originalUrl,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    const failure = known ?? new LegacyHttpError(500, 'SYS_ERR', 'internal error');
    const body: LegacyErrorBody = { ERR_CD: failure.code, ERR_MSG: failure.message };
    res.status(failure.status).json(body);
  };
}
