import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';
import { newSpanId, newTraceId } from './ids';
import { otlpExportConfig } from './otlp-env';
import { OtlpJsonSpanExporter } from './otlp-json-exporter';
import { samplerFromEnv } from './otel-sampler';

/** Trace and span ids from the platform's pooled generator, the same ones the trace context uses without OpenTelemetry. */
export const POOLED_IDS: IdGenerator = { generateTraceId: newTraceId, generateSpanId: newSpanId };

/**
 * A tracer provider configured by the standard variables, for a process that traces: the
 * exporter (OTLP/HTTP JSON, our own: see otlp-json-exporter.ts) reads
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS and _TIMEOUT, and refuses another _PROTOCOL; the
 * sampler OTEL_TRACES_SAMPLER (with its ARG), the name OTEL_SERVICE_NAME (else `name`). Required
 * only when tracing is wanted. Throws OtlpConfigError for a variable it cannot honour.
 */
export function startTracerProvider(name: string, env: NodeJS.ProcessEnv, ids: IdGenerator = POOLED_IDS): TracerProvider {
  const exporter = new OtlpJsonSpanExporter(otlpExportConfig(env));
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || name }),
    sampler: samplerFromEnv(env),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
}
