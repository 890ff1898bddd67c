/**
 * The gateway's spans as the request path sees them: a small interface, so that the pipeline,
 * the policies, the translations and the mirror record their part of a request's story without
 * knowing OpenTelemetry, which is loaded (observability/otel-spans.ts) only when the standard
 * OTEL_* variables ask for it. With tracing off every request's span is null and costs a check.
 */

/** Span attributes: OpenTelemetry's HTTP semantic-convention names, the gateway's own under `strangler.*`. Never a header value or a body. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/** Where the request's trace stood when it arrived: continued from a trusted caller, or started here. */
export interface TraceStart {
  readonly method: string;
  /** The request target's path, without its query (a query may carry a token). */
  readonly path: string;
  readonly requestId: string;
  /** The trace id to continue; with `parentSpanId` null, the trace the gateway started for the request. */
  readonly traceId: string;
  readonly parentSpanId: string | null;
  readonly flags: string;
}

/** A span that ends once: a try, a wait, a translation, a shadow copy. */
export interface WorkSpan {
  /** Its own span id: what a `traceparent` sent on its behalf names as the parent. */
  readonly spanId: string;
  /** Its sampling decision as W3C flags (`01` sampled, `00` not). */
  readonly flags: string;
  /** Ends it with these attributes added; `error` (an `error.type`) marks it failed. */
  end(attributes?: SpanAttributes, error?: string): void;
}

/** The gateway's SERVER span for one request; its children are the tries, waits and translations. */
export interface RequestSpan extends WorkSpan {
  readonly traceId: string;
  /** A call to an upstream (CLIENT kind): a try, an optional part's fetch. */
  client(name: string, attributes: SpanAttributes): WorkSpan;
  /** A step inside the gateway (INTERNAL kind): a bulkhead wait, an ACL translation. */
  step(name: string, attributes: SpanAttributes): WorkSpan;
  /** Something that happened at an instant (a breaker's refusal), as a span event. */
  event(name: string, attributes: SpanAttributes): void;
  /**
   * The shadow copy: a span of the same trace LINKED to this one rather than its child, so that a
   * copy answered after the client was (as most are) never stretches the request's own span.
   */
  shadowCopy(attributes: SpanAttributes): WorkSpan;
  /** Renames the span once the route is known (`GET /api/v2/products/*`), as the HTTP conventions name server spans. */
  rename(name: string): void;
}

/** The gateway's tracing when it is on: the request spans, and the exporter to flush on the way out. */
export interface GatewayTracer {
  request(start: TraceStart): RequestSpan;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
