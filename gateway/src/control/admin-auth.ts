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
 * - a Cookie header means a browser is attaching credentials: refused (the dashboard sends none);
 * - an Origin header means a browser is talking: refused, so a page the operator visits cannot
 *   drive the API (CSRF), unless it is exactly one of the admin listener's own origins (the
 *   dashboard, served by this listener) and the browser does not say the request is cross-site;
 * - otherwise `Authorization: Bearer <token>` must match.
 */
export function adminGate(token: string | undefined, ownOrigins: () => readonly string[] = () => []): RequestHandler {
  const expected = token?.trim() ? token : undefined;
  return (req, _res, next) => {
    if (expected === undefined) {
      throw new AdminHttpError('admin-disabled', 'admin API disabled: set STRANGLER_ADMIN_TOKEN');
    }
    if (req.headers.cookie !== undefined) {
      throw new AdminHttpError('browser-refused', 'the admin API does not take cookies (it is not for browsers): send the request without a Cookie header');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !(ownOrigins().includes(origin) && sameOriginFetch(req.headers['sec-fetch-site']))) {
      throw new AdminHttpError('browser-refused', 'the admin API does not answer cross-origin requests: only the dashboard on this listener\'s own origin, or a client that sends no Origin header');
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

/** Browsers say where a request comes from; one that says cross-site or same-site (another port, a subdomain) is refused even with a matching Origin. */
function sameOriginFetch(site: string | string[] | undefined): boolean {
  return site === undefined || site === 'same-origin';
}
