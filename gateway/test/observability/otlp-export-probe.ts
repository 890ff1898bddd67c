/**
 * Run as a process of its own by the collector test (jest's module sandbox cannot run the OTLP
 * exporter's dynamic import): the platform's real OpenTelemetry exporter sends one request span
 * and one database span, with the trace and parent given, to the endpoint given.
 */
import { openDatabase } from '../../../platform';
import { startServiceTracing } from '../../../platform/trace/otel';
import { runInTrace } from '../../../platform/trace/trace-scope';

void (async () => {
  const [endpoint, traceId, parentId] = process.argv.slice(2) as [string, string, string];
  const tracing = startServiceTracing('probe-service', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  const db = openDatabase('sqlite::memory:', { onWarning: () => undefined });
  tracing.instrument(db);
  const span = tracing.request('GET', '/things', { traceId, spanId: parentId, parentId, flags: '01', state: '' }, 'probe-request-1');
  // Awaited inside the scope: a knex builder runs its query when awaited, not when built.
  await runInTrace(span.trace, async () => await db.raw('select 1 as one'));
  span.end(503);
  await tracing.forceFlush();
  await db.destroy();
  await tracing.shutdown();
})();
