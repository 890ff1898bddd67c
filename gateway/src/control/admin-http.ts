import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../observability/logger';
import type { ADMIN_ANSWERS } from './admin-answers';
import { AdminHttpError } from './admin-problems';

/** Requests are a few hundred bytes; anything much larger is a mistake or an attack. */
export const ADMIN_BODY_LIMIT_BYTES = 16 * 1024;

/**
 * A success answer, typed by the schema the admin client parses it with (ADMIN_ANSWERS): what an
 * endpoint sends and what the client accepts cannot drift apart without the compiler saying so.
 */
export function send<K extends keyof typeof ADMIN_ANSWERS>(res: Response, _endpoint: K, body: z.input<(typeof ADMIN_ANSWERS)[K]>): void {
  res.json(body);
}

/** Admin answers are live state: a cache or a browser must never replay one, nor sniff it into HTML. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  next();
};

/**
 * The peer address as recorded in the audit log; the API listens privately, so no forwarded headers
 * are believed. A request with an Origin passed the gate only from the listener's own origin: the dashboard.
 */
export function viaOf(req: Request): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return `${req.headers.origin === undefined ? 'admin-api' : 'dashboard'} ${address.startsWith('::ffff:') ? address.slice(7) : address}`;
}

export function routeIdOf(req: Request): string {
  const id: unknown = req.params['id'];
  return typeof id === 'string' ? id : '';
}

export function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    // Read now: the socket's address is gone once it closes.
    const { method, path } = req;
    const via = viaOf(req);
    res.on('finish', () => {
      const fields = { method, path, status: res.statusCode, via, ms: Date.now() - started };
      if (res.statusCode >= 500) logger.error('admin request', fields);
      else if (res.statusCode === 401 || res.statusCode === 403) logger.warn('admin request refused', fields);
      else logger.info('admin request', fields);
    });
    next();
  };
}

/**
 * Only JSON bodies: an HTML form can send urlencoded, multipart or text/plain without a CORS
 * preflight, never application/json, so this also keeps forms out. A write without a body must
 * still say it is JSON.
 */
export const requireJson: RequestHandler = (req, _res, next) => {
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AdminHttpError('unsupported-media-type', `send the body as Content-Type: application/json, not ${JSON.stringify(req.get('content-type') ?? 'none')}`);
  }
  next();
};

/** requireJson, except for a request without a body (no Content-Length, or 0, and no Transfer-Encoding). */
export const requireJsonUnlessEmpty: RequestHandler = (req, res, next) => {
  const empty = req.get('transfer-encoding') === undefined && Number(req.get('content-length') ?? 0) === 0;
  if (empty) return next();
  requireJson(req, res, next);
};

export function notAllowed(allow: string): RequestHandler {
  return (req) => {
    throw new AdminHttpError('method-not-allowed', `${req.method} is not allowed on ${req.path}: route state changes only by flip and rollback, and the audit log is never rewritten`, { Allow: allow });
  };
}
