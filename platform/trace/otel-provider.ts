import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';
import { newSpanId, newTraceId } from './ids';
import { samplerFromEnv } from './otel-sampler';

/** Trace and span ids from the platform's pooled generator, the same ones the trace context uses without OpenTelemetry. */
export const POOLED_IDS: IdGenerator = { generateTraceId: newTraceId, generateSpanId: newSpanId };

/**
 * A tracer provider configured by the standard variables, for a process that traces: the OTLP/HTTP
 * exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, the sampler OTEL_TRACES_SAMPLER (with its
 * ARG), the name OTEL_SERVICE_NAME (else `name`). Required only when tracing is wanted.
 */
export function startTracerProvider(name: string, env: NodeJS.ProcessEnv, ids: IdGenerator = POOLED_IDS): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || name }),
    sampler: samplerFromEnv(env),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(env) }) })],
  });
}

/** The traces endpoint from the given environment (the exporter itself would read process.env only), per the OTLP exporter spec. */
function tracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}
