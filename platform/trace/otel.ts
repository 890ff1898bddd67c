import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { Knex } from 'knex';
import { startTracerProvider } from './otel-provider';
import type { RequestSpan, ServiceSpans } from './service-spans';
import { currentTrace, type ServiceTrace } from './trace-scope';

/** A service's tracing, on: its request spans, its database spans, and the exporter to flush on the way out. */
export interface ServiceTracing extends ServiceSpans {
  /** Adds a span per query of this knex instance, child of the request that ran it. */
  instrument(db: Knex): void;
  /** Sends what is buffered and stops the exporter. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * OpenTelemetry for a service, configured by the standard variables: the OTLP/HTTP exporter reads
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and its headers, the sampler OTEL_TRACES_SAMPLER, the
 * service's name OTEL_SERVICE_NAME (else `name`). This module is required only when tracing is
 * wanted: a service without the variables never loads the SDK.
 */
export function startServiceTracing(name: string, env: NodeJS.ProcessEnv): ServiceTracing {
  const provider = startTracerProvider(name, env);
  const tracer = provider.getTracer('strangler-platform');
  const contexts = new WeakMap<ServiceTrace, Context>();
  return {
    request(method, route, incoming, requestId) {
      const parent = incoming.parentId === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: incoming.traceId, spanId: incoming.parentId, traceFlags: parseInt(incoming.flags, 16) & 1 ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': route, 'strangler.request_id': requestId } }, parent);
      const own = span.spanContext();
      const t: ServiceTrace = { traceId: own.traceId, spanId: own.spanId, parentId: incoming.parentId, flags: own.traceFlags & TraceFlags.SAMPLED ? '01' : '00', state: incoming.state };
      contexts.set(t, trace.setSpan(parent, span));
      return new OtelRequestSpan(t, span);
    },
    instrument(db) {
      instrumentKnex(db, tracer, () => {
        const t = currentTrace();
        return t === undefined ? undefined : contexts.get(t);
      });
    },
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  };
}

class OtelRequestSpan implements RequestSpan {
  constructor(
    readonly trace: ServiceTrace,
    private readonly span: Span,
  ) {}

  end(status: number): void {
    this.span.setAttribute('http.response.status_code', status);
    if (status >= 500) this.span.setStatus({ code: SpanStatusCode.ERROR });
    this.span.end();
  }
}

interface KnexQuery {
  readonly __knexQueryUid?: string;
  readonly sql?: string;
  readonly method?: string;
}

/**
 * A span per query, through knex's own query events rather than by patching the driver: the
 * statement's text (with placeholders, never the bound values) and its operation, named by the
 * database semantic conventions. Only queries run inside a traced request get one.
 */
function instrumentKnex(db: Knex, tracer: Tracer, parentOf: () => Context | undefined): void {
  const open = new Map<string, Span>();
  const system = db.client.config.client === 'mysql2' ? 'mysql' : 'sqlite';
  db.on('query', (q: KnexQuery) => {
    const parent = parentOf();
    if (parent === undefined || q.__knexQueryUid === undefined) return;
    const operation = (q.method ?? 'query').toUpperCase();
    const span = tracer.startSpan(`${operation} ${system}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': q.sql ?? '' } }, parent);
    open.set(q.__knexQueryUid, span);
  });
  const finish = (error: unknown, q: KnexQuery) => {
    const span = q.__knexQueryUid === undefined ? undefined : open.get(q.__knexQueryUid);
    if (span === undefined) return;
    open.delete(q.__knexQueryUid!);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  };
  db.on('query-response', (_response: unknown, q: KnexQuery) => finish(null, q));
  db.on('query-error', (error: unknown, q: KnexQuery) => finish(error, q));
}

