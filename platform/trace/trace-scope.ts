import { AsyncLocalStorage } from 'node:async_hooks';
import { newSpanId, newTraceId } from './ids';
import { formatTraceparent, parseTraceparent, parseTracestate } from './trace-context';

/** Where a service's request sits in its trace: what its log lines carry and its outgoing calls continue. */
export interface ServiceTrace {
  readonly traceId: string;
  /** This process's span for the request: the parent of every call it makes. */
  readonly spanId: string;
  /** The caller's span, or null when the trace started here. */
  readonly parentId: string | null;
  readonly flags: string;
  readonly state: string | null;
}

/**
 * Flags of a trace started where nothing is sampled yet: `sampled`, so that a parent-based
 * sampler further down records it rather than the first hop without a tracer silencing the rest.
 */
export const UNDECIDED_FLAGS = '01';

const scope = new AsyncLocalStorage<ServiceTrace>();

/**
 * A service's side of a request's trace, from the incoming headers: a valid `traceparent` is
 * continued (the services sit behind the gateway, which already decided whom to believe), anything
 * else starts a new trace. The span id is this hop's own.
 */
export function continueTrace(headers: Readonly<Record<string, string | string[] | undefined>>): ServiceTrace {
  const parent = parseTraceparent(headers['traceparent']);
  if (parent === null) return { traceId: newTraceId(), spanId: newSpanId(), parentId: null, flags: UNDECIDED_FLAGS, state: null };
  return { traceId: parent.traceId, spanId: newSpanId(), parentId: parent.parentId, flags: parent.flags, state: parseTracestate(headers['tracestate']) };
}

/** Runs `work` (and everything it starts asynchronously) inside the request's trace. */
export function runInTrace<T>(trace: ServiceTrace, work: () => T): T {
  return scope.run(trace, work);
}

/** The trace of the request being served, if any. */
export function currentTrace(): ServiceTrace | undefined {
  return scope.getStore();
}

/**
 * The headers that carry the current request's trace to a call it makes (`traceparent`, and
 * `tracestate` when there is one); empty outside a request. Every service client sends them, so
 * that the service it asks continues the same trace.
 */
export function traceHeaders(): Record<string, string> {
  const t = scope.getStore();
  if (t === undefined) return {};
  const out: Record<string, string> = { traceparent: formatTraceparent(t.traceId, t.spanId, t.flags) };
  if (t.state !== null) out.tracestate = t.state;
  return out;
}
