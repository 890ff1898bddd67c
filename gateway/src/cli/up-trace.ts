import path from 'node:path';
import { jsonlSpanSink } from '../observability/span-file';
import { startTraceCollector } from '../observability/trace-collector';
import { UsageError } from './options';
import { dataDirOf } from './stack-file';

/**
 * Tracing for the local stack. Every part reads the standard OTEL_* variables; `up` gives each its
 * own service name, and with `--trace` runs a collector of its own and points every part at it.
 * Without `--trace` the parts export wherever the user's OTEL_* variables say (a real collector),
 * or nowhere.
 */

/** The file `--trace` writes and `strangler trace` reads by default. */
export function tracesFileOf(env: NodeJS.ProcessEnv): string {
  return path.join(dataDirOf(env), 'traces.jsonl');
}

/**
 * Why `--trace` cannot be honoured as the environment stands, or null. The user's own exporter
 * settings are never overridden in silence: a stack they pointed at their collector keeps
 * exporting there unless they take the setting away.
 */
export function traceConflict(env: NodeJS.ProcessEnv): string | null {
  const problems: string[] = [];
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    if (env[name]) problems.push(`${name} is set (${env[name]}): the parts would export there, not to the collector --trace runs`);
  }
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter && exporter !== 'otlp') problems.push(`OTEL_TRACES_EXPORTER is "${exporter}": the parts would not export over OTLP`);
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    if (env[name] && env[name] !== 'http/json') problems.push(`${name} is "${env[name]}": the collector --trace runs takes http/json only`);
  }
  if (problems.length === 0) return null;
  return `--trace runs its own collector, but ${problems.join('; and ')}. Unset ${problems.length === 1 ? 'it' : 'them'} to use --trace, or start without --trace to send the spans where your OTEL_* variables say`;
}

/**
 * What one part is given on top of the user's environment: its service name (unless the user set
 * one for all), and with a collector its address, the JSON protocol, and a parent-based always-on
 * sampler unless the user chose a sampler.
 */
export function childTelemetryEnv(service: string, env: NodeJS.ProcessEnv, collectorEndpoint: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!env.OTEL_SERVICE_NAME) out.OTEL_SERVICE_NAME = service;
  if (collectorEndpoint !== null) {
    out.OTEL_EXPORTER_OTLP_ENDPOINT = collectorEndpoint;
    out.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    if (!env.OTEL_TRACES_SAMPLER) out.OTEL_TRACES_SAMPLER = 'parentbased_always_on';
  }
  return out;
}

export interface LocalCollector {
  readonly endpoint: string;
  readonly tracesUrl: string;
  readonly file: string;
  close(): Promise<void>;
}

/**
 * The collector `--trace` runs, on a free local port, appending to `<data dir>/traces.jsonl`.
 * A failed write is reported once per distinct reason, not once per batch.
 */
export async function startLocalCollector(env: NodeJS.ProcessEnv, report: (message: string) => void): Promise<LocalCollector> {
  const sink = jsonlSpanSink(tracesFileOf(env));
  const told = new Set<string>();
  const collector = await startTraceCollector({
    sink,
    onSinkError: (e) => {
      // Not `instanceof Error`: a file system error may come from another realm (a test runner's).
      const reason = typeof (e as Error | null)?.message === 'string' ? (e as Error).message : String(e);
      if (told.has(reason)) return;
      told.add(reason);
      report(`the trace collector cannot write ${sink.file}: ${reason} (spans are lost until it can)`);
    },
  });
  return { endpoint: collector.endpoint, tracesUrl: collector.tracesUrl, file: sink.file, close: () => collector.close() };
}

/** The banner's lines about tracing: where spans go and how to read one request's. */
export function traceBannerLines(collector: LocalCollector | null, env: NodeJS.ProcessEnv): string[] {
  if (collector === null) {
    const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
    return endpoint ? [`  traces            exported to ${endpoint} (OTEL_* variables)`] : [];
  }
  return [
    `  trace collector   ${collector.tracesUrl} (OTLP/HTTP JSON)`,
    `  traces file       ${collector.file}`,
    `  read a trace      npx strangler trace <x-request-id or trace id>`,
  ];
}
