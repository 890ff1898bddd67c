import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { LegacyLogger } from './logger';

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

/** Errors raised by express's body parser carry a status and a type; nothing else should leak out. */
function parserError(err: unknown): LegacyHttpError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, type } = err as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.parse.failed') return new LegacyHttpError(400, 'BAD_JSON', 'request body is not valid JSON');
  if (type === 'entity.too.large') return new LegacyHttpError(413, 'BODY_TOO_LRG', 'request body is too large');
  return new LegacyHttpError(status, 'BAD_REQ', 'request could not be read');
}

export function errorHandler(logger: LegacyLogger): ErrorRequestHandler {
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
