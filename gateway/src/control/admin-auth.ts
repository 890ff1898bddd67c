import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AdminHttpError } from './admin-problems';

/** RFC 6750 challenge parameters: a missing token gets the bare challenge, a wrong one names the error. */
const REALM = 'realm="strangler-admin"';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares a presented token with the configured one in constant time. Hashing first gives both
 * sides the same length, so neither the length nor a common prefix leaks through timing.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The admin API's gate, run before routing so that nothing (not even a 404 naming what exists)
 * answers an unauthenticated caller:
 * - no token configured: every request is refused; the API is never open by default;
 * - a Cookie or Origin header means a browser is talking: refused, so a page the operator visits
 *   cannot drive the API (CSRF), whatever credentials the browser would attach;
 * - otherwise `Authorization: Bearer <token>` must match.
 */
export function adminGate(token: string | undefined): RequestHandler {
  const expected = token?.trim() ? token : undefined;
  return (req, _res, next) => {
    if (expected === undefined) {
      throw new AdminHttpError('admin-disabled', 'admin API disabled: set STRANGLER_ADMIN_TOKEN');
    }
    if (req.headers.cookie !== undefined) {
      throw new AdminHttpError('browser-refused', 'the admin API does not take cookies (it is not for browsers): send the request without a Cookie header');
    }
    if (req.headers.origin !== undefined) {
      throw new AdminHttpError('browser-refused', 'the admin API does not answer cross-origin or browser requests: send the request without an Origin header');
    }
    const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (presented === undefined) {
      throw new AdminHttpError('unauthorized', 'send Authorization: Bearer <STRANGLER_ADMIN_TOKEN>', { 'WWW-Authenticate': `Bearer ${REALM}` });
    }
    if (!tokenMatches(presented, expected)) {
      throw new AdminHttpError('unauthorized', 'the bearer token is wrong', { 'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token"` });
    }
    next();
  };
}
