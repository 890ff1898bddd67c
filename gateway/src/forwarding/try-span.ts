import type { WorkSpan } from '../observability/spans';
import type { Instance } from './instances/instance';
import type { Call, Outcome } from './policy';

/**
 * A try's span, child of the request's: which try it is, the backoff waited before it, and where
 * it went: the upstream, and the instance by the HTTP client conventions (server.address,
 * server.port, url.full without the query, which may carry a token). Null when the request is not traced.
 */
export function startTrySpan(call: Call, instance: Instance): WorkSpan | null {
  const { x } = call;
  if (x.span === null) return null;
  const q = call.path.indexOf('?');
  const { origin } = instance;
  const attributes: Record<string, string | number> = {
    'http.request.method': x.req.method ?? 'GET',
    'server.address': origin.hostname,
    'server.port': origin.port,
    'url.full': origin.origin + (q === -1 ? call.path : call.path.slice(0, q)),
    'strangler.attempt': call.retries + 1,
    'strangler.upstream': call.plan.upstream.name,
  };
  // On resends only, as the conventions set resend_count: every attribute costs each span (about
  // 2 µs to clean, convert and serialise), and the first try waited for no backoff.
  if (call.retries > 0) {
    attributes['http.request.resend_count'] = call.retries;
    attributes['strangler.backoff_ms'] = call.backoffMs;
  }
  return x.span.client('upstream try', attributes);
}

/** Ends a try's span with what became of it: the status it answered, or why it failed. */
export function endTrySpan(span: WorkSpan, outcome: Outcome, status: number): void {
  const attributes = status > 0 ? { 'http.response.status_code': status } : undefined;
  if (outcome.kind === 'failed') return span.end(attributes, outcome.failure === 'status' ? String(status) : outcome.failure);
  if (outcome.status === null) return span.end(attributes, outcome.error?.code ?? 'cancelled');
  span.end(attributes, outcome.error?.code ?? (outcome.status >= 400 ? String(outcome.status) : undefined));
}
