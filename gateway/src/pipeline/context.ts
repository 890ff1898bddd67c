import { formatTraceparent, newSpanId, newTraceId, parseTraceparent, parseTracestate, requestIdFrom, UNDECIDED_FLAGS } from '../../../platform';
import { clientAddress, isTrustedAddress } from '../routing/client-address';
import type { Exchange } from './exchange';

/**
 * Stage `context`: the request id, the peer, the client address believed through trusted proxies
 * only, and the trace: a valid `traceparent` (with its `tracestate`) from a caller in
 * `tracing.acceptFrom` is continued; anything else, malformed or from anyone else, starts a new
 * trace, so that an outside client can neither choose trace ids nor force sampling.
 */
export function contextStage(x: Exchange): void {
  const { req } = x;
  // A well-formed incoming id is kept so that a trace spans systems; anything else is replaced.
  x.requestId = requestIdFrom(req.headers['x-request-id']);
  x.peer = req.socket.remoteAddress ?? '';
  const xff = req.headers['x-forwarded-for'];
  const { clientIp, peerTrusted } = clientAddress(x.peer, typeof xff === 'string' ? xff : undefined, x.table.trustedProxies);
  x.clientIp = clientIp;
  x.peerTrusted = peerTrusted;
  traceOf(x);
  x.next();
}

function traceOf(x: Exchange): void {
  const { headers } = x.req;
  const tracing = x.table.tracing;
  const parent = headers.traceparent === undefined || !isTrustedAddress(tracing.acceptFrom, x.peer) ? null : parseTraceparent(headers.traceparent);
  x.spanId = newSpanId();
  if (parent === null) {
    x.traceId = newTraceId();
    x.traceFlags = UNDECIDED_FLAGS;
  } else {
    x.traceId = parent.traceId;
    x.parentSpanId = parent.parentId;
    x.traceFlags = parent.flags;
    x.traceState = parseTracestate(headers.tracestate);
  }
  if (tracing.respondTraceparent) x.res.setHeader('traceparent', formatTraceparent(x.traceId, x.spanId, x.traceFlags));
}
