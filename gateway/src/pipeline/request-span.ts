import type { SpanAttributes } from '../observability/spans';
import type { Exchange } from './exchange';

/**
 * Ends the request's span, when it has one, with how the request went: the HTTP server
 * conventions' names (http.route, http.response.status_code, error.type) and the gateway's own
 * under `strangler.*` (route id, mode, how the side was decided, the side). Named
 * `METHOD route` once a route matched. Never a header value, a query or a body.
 */
export function endRequestSpan(x: Exchange, status: number): void {
  const span = x.span;
  if (span === null) return;
  const method = x.req.method ?? 'GET';
  // The upstream is on the try spans, which name the instance too.
  const attributes: Record<string, string | number | boolean> = { 'http.response.status_code': status };
  const route = x.route;
  if (route !== null) {
    span.rename(`${method} ${route.config.path}`);
    attributes['http.route'] = route.config.path;
    attributes['strangler.route.id'] = route.id;
    attributes['strangler.route.mode'] = route.mode;
    attributes['strangler.decision'] = x.decidedBy;
  }
  if (x.target !== null) attributes['strangler.side'] = x.target.side;
  if (x.fellBackFrom !== null) attributes['strangler.fallback_from'] = x.fellBackFrom;
  if (x.degraded !== null) attributes['strangler.degraded'] = x.degraded;
  if (x.dropped !== null) attributes['strangler.acl.dropped'] = x.dropped.items.length;
  span.end(attributes as SpanAttributes, x.error !== null ? x.error.code : status >= 500 ? String(status) : undefined);
}
