import type { ServiceTrace } from './trace-scope';

/** A service's span for one request, started when it arrives and ended with its status. */
export interface RequestSpan {
  /** The trace as the span sees it: its own span id and the sampling decision. */
  readonly trace: ServiceTrace;
  end(status: number): void;
}

/** Where a service's request spans come from when tracing is on (OpenTelemetry, loaded only then). */
export interface ServiceSpans {
  /** `requestId` is the request's x-request-id, on the span as `strangler.request_id`: how a trace is found from a log line. */
  request(method: string, route: string, incoming: ServiceTrace, requestId: string): RequestSpan;
}

let installed: ServiceSpans | null = null;

/**
 * Installed by a service's composition root when the standard OTEL_* variables ask for tracing; the
 * request log reads it per request. Process-wide, as OpenTelemetry's own tracer provider is.
 */
export function installServiceSpans(spans: ServiceSpans | null): void {
  installed = spans;
}

export function serviceSpans(): ServiceSpans | null {
  return installed;
}

/**
 * True when the standard variables ask for traces to be exported: an OTLP endpoint, or an
 * exporter other than `none`. Otherwise the OpenTelemetry SDK is never loaded.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter !== undefined && exporter !== '') return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
