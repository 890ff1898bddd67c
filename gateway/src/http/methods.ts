/**
 * Method classes, in one place (RFC 9110 §9.2). Every part of the gateway that treats methods
 * differently asks here, so that "safe", "may be sent twice" and "carries a body to translate"
 * cannot drift apart between forwarding, fallbacks, shadowing and translation.
 */

/** The methods a route may name. TRACE and CONNECT are not proxied at all (see REFUSED_METHODS). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Safe methods: no side effect is requested, so a fallback may answer them and a retry may repeat them. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Mirrored to the other side by default in a shadow: reads whose answers are worth comparing. */
export const MIRRORED_BY_DEFAULT: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** Methods whose JSON body a request mapping translates. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Refused at the edge with 405, as nginx does: TRACE echoes the request (headers the gateway added
 * included) back to whoever sent it, and TRACK is its IIS twin. CONNECT never reaches the request
 * handler (Node closes such a connection unless a 'connect' listener exists, and there is none).
 */
export const REFUSED_METHODS: ReadonlySet<string> = new Set(['TRACE', 'TRACK']);

/** The Allow header of a 405 from the edge. */
export const ALLOWED_METHODS = HTTP_METHODS.join(', ');
