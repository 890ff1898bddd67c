/**
 * The platform's OpenTelemetry side, apart from its public entry (index.ts) so that loading the
 * platform never loads the SDK: required only by a process whose OTEL_* variables ask for tracing
 * (see `tracingWanted`).
 */
export { POOLED_IDS, startTracerProvider } from './trace/otel-provider';
export { samplerFromEnv } from './trace/otel-sampler';
export { startServiceTracing, type ServiceTracing } from './trace/otel';
