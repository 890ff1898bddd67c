import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { newSpanId, newTraceId } from '../../../platform';
import { startTracerProvider } from '../../../platform/otel';
import type { GatewayTracer, RequestSpan, SpanAttributes, TraceStart, WorkSpan } from './spans';

/**
 * The gateway's spans through OpenTelemetry, configured by the standard variables (endpoint,
 * OTEL_TRACES_SAMPLER, parent-based by default; OTEL_SERVICE_NAME, else `strangler-gateway`).
 * Required by the composition root only when those variables ask for tracing.
 */
export function startGatewayTracing(env: NodeJS.ProcessEnv): GatewayTracer {
  const ids = new PresetTraceIds();
  const provider = startTracerProvider('strangler-gateway', env, ids);
  const tracer = provider.getTracer('strangler-gateway');
  return {
    request: (start) => new OtelRequestSpan(tracer, ids, start),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Pooled ids, except that a root span may be given the trace it belongs to: the shadow copy is
 * such a root (linked to the primary, not its child), yet part of the request's trace, as its
 * `traceparent` already says without OpenTelemetry. The SDK asks for a trace id only for a span
 * without a parent, synchronously inside `startSpan`, so the preset cannot leak to another span.
 */
class PresetTraceIds implements IdGenerator {
  preset: string | null = null;
  generateTraceId(): string {
    return this.preset ?? newTraceId();
  }
  generateSpanId(): string {
    return newSpanId();
  }
}

class OtelWorkSpan implements WorkSpan {
  readonly spanId: string;
  readonly flags: string;

  constructor(
    protected readonly span: Span,
    /** SERVER spans fail on a 5xx only; a CLIENT's or a step's `error` always marks it failed. */
    private readonly server = false,
  ) {
    const own = span.spanContext();
    this.spanId = own.spanId;
    this.flags = own.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  }

  end(attributes?: SpanAttributes, error?: string): void {
    if (attributes) this.span.setAttributes(attributes);
    if (error !== undefined) {
      this.span.setAttribute('error.type', error);
      const status = attributes?.['http.response.status_code'];
      if (!this.server || (typeof status === 'number' && status >= 500)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}

class OtelRequestSpan extends OtelWorkSpan implements RequestSpan {
  readonly traceId: string;
  private readonly context: Context;

  constructor(
    private readonly tracer: Tracer,
    private readonly ids: PresetTraceIds,
    start: TraceStart,
  ) {
    const parent = start.parentSpanId === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: start.traceId, spanId: start.parentSpanId, traceFlags: parseInt(start.flags, 16) & 1 ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
    // A trace started here keeps the id the gateway already chose (and may have logged).
    if (start.parentSpanId === null) ids.preset = start.traceId;
    let span: Span;
    try {
      span = tracer.startSpan(start.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': start.method, 'url.path': start.path, 'strangler.request_id': start.requestId } }, parent);
    } finally {
      ids.preset = null;
    }
    super(span, true);
    this.traceId = span.spanContext().traceId;
    this.context = trace.setSpan(parent, span);
  }

  client(name: string, attributes: SpanAttributes): WorkSpan {
    return new OtelWorkSpan(this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, this.context));
  }

  step(name: string, attributes: SpanAttributes): WorkSpan {
    return new OtelWorkSpan(this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, this.context));
  }

  event(name: string, attributes: SpanAttributes): void {
    this.span.addEvent(name, attributes);
  }

  shadowCopy(attributes: SpanAttributes): WorkSpan {
    // A request not sampled has no sampled copy either: its span only carries the decision on.
    if (!this.span.isRecording()) return new OtelWorkSpan(trace.wrapSpanContext({ traceId: this.traceId, spanId: newSpanId(), traceFlags: TraceFlags.NONE }));
    this.ids.preset = this.traceId;
    try {
      return new OtelWorkSpan(this.tracer.startSpan('shadow copy', { kind: SpanKind.CLIENT, root: true, attributes, links: [{ context: this.span.spanContext() }] }, ROOT_CONTEXT));
    } finally {
      this.ids.preset = null;
    }
  }

  rename(name: string): void {
    this.span.updateName(name);
  }
}
