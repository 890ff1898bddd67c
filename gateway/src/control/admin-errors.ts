import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../observability/logger';
import { ADMIN_BODY_LIMIT_BYTES } from './admin-http';
import { AdminHttpError, sendProblem } from './admin-problems';
import { ControlError } from './errors';

/** body-parser's refusals, by their `type`, as problems; anything else is not a client mistake we can name. */
function parserProblem(e: unknown): ControlError | AdminHttpError | null {
  if (typeof e !== 'object' || e === null) return null;
  const { type, status } = e as { type?: unknown; status?: unknown };
  switch (type) {
    case 'entity.too.large':
      return new AdminHttpError('payload-too-large', `request bodies are limited to ${ADMIN_BODY_LIMIT_BYTES} bytes`);
    case 'entity.parse.failed':
      return new ControlError('invalid-request', 'the request body is not valid JSON (or not a JSON object)');
    case 'encoding.unsupported':
      return new AdminHttpError('unsupported-media-type', 'send the body uncompressed (no Content-Encoding)');
    case 'charset.unsupported':
      return new AdminHttpError('unsupported-media-type', 'send the body as UTF-8');
  }
  // Other http-errors raised by express itself (a malformed %-escape in the path, an aborted body).
  if (typeof status === 'number' && status >= 400 && status < 500) return new ControlError('invalid-request', 'the request could not be read');
  return null;
}

/** The admin API's last handler: every refusal as problem+json; an unexpected failure logged with its stack and answered without it. */
export function onError(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ControlError || error instanceof AdminHttpError) return sendProblem(res, error);
    const known = parserProblem(error);
    if (known) return sendProblem(res, known);
    // The stack goes to the log only: a client learns that it failed, not how.
    logger.error('admin API request failed', { method: req.method, path: req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    sendProblem(res, new AdminHttpError('internal-error', 'the admin API failed on this request; the gateway log has the details'));
  };
}
