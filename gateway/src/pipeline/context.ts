import { formatTraceparent, newSpanId, newTraceId, parseTraceparent, parseTracestate, requestIdFrom, UNDECIDED_FLAGS } from '../../../platform';
import type { GatewayTracer } from '../observability/spans';
import { clientAddress, isTrustedAddress } from '../routing/client-address';
import type { Exchange, Stage } from './exchange';

/**
 * Stage `context`: the request id, the peer, the client address believed through trusted proxies
 * only, and the trace: a valid `traceparent` (with its `tracestate`) from a caller in
 * `tracing.acceptFrom` is continued; anything else, malformed or from anyone else, starts a new
 * trace, so that an outside client can neither choose trace ids nor force sampling. With a tracer,
 * the request's span starts here and takes the gateway's place in the trace (its id, its sampling).
 */
export function contextStageWith(tracer: GatewayTracer | null): Stage {
  return (x) => {
    const { req } = x;
    // A well-formed incoming id is kept so that a trace spans systems; anything else is replaced.
    x.requestId = requestIdFrom(req.headers['x-request-id']);
    x.peer = req.socket.remoteAddress ?? '';
    const xff = req.headers['x-forwarded-for'];
    const { clientIp, peerTrusted } = clientAddress(x.peer, typeof xff === 'string' ? xff : undefined, x.table.trustedProxies);
    x.clientIp = clientIp;
    x.peerTrusted = peerTrusted;
    // With propagation off (a measurement's baseline) and no spans, the request has no trace at all.
    if (x.table.tracing.propagate || tracer !== null) traceOf(x, tracer);
    x.next();
  };
}

function traceOf(x: Exchange, tracer: GatewayTracer | null): void {
  const { headers } = x.req;
  const tracing = x.table.tracing;
  const parent = !tracing.propagate || headers.traceparent === undefined || !isTrustedAddress(tracing.acceptFrom, x.peer) ? null : parseTraceparent(headers.traceparent);
  if (parent === null) {
    x.traceId = newTraceId();
    x.traceFlags = UNDECIDED_FLAGS;
  } else {
    x.traceId = parent.traceId;
    x.parentSpanId = parent.parentId;
    x.traceFlags = parent.flags;
    x.traceState = parseTracestate(headers.tracestate);
  }
  if (tracer === null) x.spanId = newSpanId();
  else {
    const span = tracer.request({ method: x.req.method ?? 'GET', path: pathOf(x.req.url ?? '/'), requestId: x.requestId, traceId: x.traceId, parentSpanId: parent === null ? null : parent.parentId, flags: x.traceFlags });
    x.span = span;
    x.spanId = span.spanId;
    x.traceFlags = span.flags;
  }
  if (tracing.respondTraceparent && tracing.propagate) x.res.setHeader('traceparent', formatTraceparent(x.traceId, x.spanId, x.traceFlags));
}

/** The target's path without its query, which may carry a token. */
function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}
