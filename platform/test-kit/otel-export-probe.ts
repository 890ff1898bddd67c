/**
 * Run as a process of its own by the tracing test: one traced request with a query, exported to
 * an in-process OTLP receiver; prints the spans received as JSON. (A process of its own first
 * because jest's module sandbox could not run the SDK exporter's dynamic import; the platform's
 * exporter has none, and the process still keeps `installServiceSpans`, which is process-wide,
 * out of the test's own process.)
 */
import express from 'express';
import request from 'supertest';
import { openDatabase, requestLog, silentLogger } from '../index';
import { startServiceTracing } from '../trace/otel';
import { installServiceSpans } from '../trace/service-spans';
import { startOtlpReceiver } from './otlp-receiver';

void (async () => {
  const receiver = await startOtlpReceiver();
  const tracing = startServiceTracing('test-service', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
  const db = openDatabase('sqlite::memory:', { onWarning: () => undefined });
  tracing.instrument(db);
  installServiceSpans(tracing);
  const app = express();
  app.use(requestLog(silentLogger));
  app.get('/things', async (_req, res) => {
    res.json(await db.raw('select 1 as one'));
  });
  await request(app).get('/things').set('traceparent', process.argv[2] ?? '').set('x-request-id', 'probe-request-1');
  await tracing.forceFlush();
  process.stdout.write(JSON.stringify(receiver.spans));
  await db.destroy();
  await tracing.shutdown();
  await receiver.close();
})();
