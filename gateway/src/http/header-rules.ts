/**
 * Rules about request header fields that the guards enforce and the header filter relies on.
 */

/**
 * Fields a client may not list in `Connection`. Naming a field there makes every hop drop it, so a
 * client could strip the framing the gateway checked (`Connection: content-length` sends a body
 * with no length, which the upstream reads as a second request), the Host it routed by, or the
 * fields the gateway sets for the upstream. Such a request is refused (400), not filtered.
 */
export const CONNECTION_MAY_NOT_NAME: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'content-type',
  'expect',
  'x-request-id',
  'forwarded',
  'x-real-ip',
  'traceparent',
  'tracestate',
]);

/** Prefixes of the fields in CONNECTION_MAY_NOT_NAME's family (every `X-Forwarded-*` and `x-strangler-*`). */
const PROTECTED_PREFIXES = ['x-forwarded-', 'x-strangler-'];

/** True when `Connection` may not name this (lower-case) field. */
export function protectedFromConnection(lower: string): boolean {
  return CONNECTION_MAY_NOT_NAME.has(lower) || PROTECTED_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * Request fields that must appear at most once (RFC 9110 singletons). Node keeps only the first of
 * these in `req.headers` while every copy would be forwarded, so the gateway and the upstream
 * could each act on a different value (which Host, which credentials, which length): a duplicate
 * is refused instead. Transfer-Encoding has its own, stricter rule; fields the gateway replaces
 * or strips (x-request-id, x-strangler-*) cannot reach the upstream twice and are not listed.
 */
export const SINGLETON_FIELDS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'max-forwards',
  'from',
  'referer',
  'user-agent',
]);

/** The tokens of a `Connection` value, lower-case. */
export function connectionTokens(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const token of value.split(',')) {
    const t = token.trim().toLowerCase();
    if (t !== '') out.push(t);
  }
  return out;
}
