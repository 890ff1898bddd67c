/**
 * In-process micro-benchmark of span export (issue 21): the gateway's two spans per request (the
 * SERVER request span and one CLIENT try, with the attributes the gateway sets), created through
 * the SDK with a BatchSpanProcessor and exported over OTLP/HTTP JSON to a counting receiver, once
 * with the SDK's OTLPTraceExporter and once with the platform's own exporter; and the serialisation
 * alone, the same 512-span batch through each serializer; and the floor, spans made and batched
 * with an exporter that does nothing. Cheap enough to run beside other work:
 * `node --import tsx bench/span-export-micro.ts [requests]`. Reports CPU µs per request (user +
 * system of this process, the receiver included in both) and requests per CPU second.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { otlpExportConfig } from '../platform/trace/otlp-env';
import { OtlpJsonSpanExporter } from '../platform/trace/otlp-json-exporter';
import { otlpTraceBody } from '../platform/trace/otlp-json-body';

const REQUESTS = Number(process.argv[2] ?? 40_000);
const ROUNDS = 3;

function gatewayRequest(tracer: ReturnType<TracerProvider['getTracer']>, i: number): void {
  const server = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': '/api/items/42', 'strangler.request_id': `bench-${i}` } }, ROOT_CONTEXT);
  const tryAttributes = { 'strangler.upstream': 'bench', 'server.address': '127.0.0.1', 'server.port': 40123, 'strangler.attempt': 1, 'url.full': 'http://127.0.0.1:40123/api/items/42' };
  const client = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: tryAttributes }, trace.setSpan(ROOT_CONTEXT, server));
  client.setAttributes({ 'http.response.status_code': 200, 'strangler.backoff_ms': 0 });
  client.end();
  server.setAttributes({ 'http.route': '/api/items/*', 'strangler.route.id': 'bench.items', 'strangler.route.mode': 'legacy', 'strangler.decision': 'legacy', 'http.response.status_code': 200 });
  server.updateName('GET /api/items/*');
  server.end();
}

async function receiver(): Promise<{ url: string; bytes: () => number; close: () => void }> {
  let bytes = 0;
  const s = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, bytes: () => bytes, close: () => s.close() };
}

async function endToEnd(make: (url: string) => SpanExporter): Promise<{ cpuUsPerRequest: number; wallReqPerSec: number; bytes: number }> {
  const r = await receiver();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-gateway' }), spanProcessors: [new BatchSpanProcessor({ exporter: make(r.url) })] });
  const tracer = provider.getTracer('strangler-gateway');
  for (let i = 0; i < 2000; i++) gatewayRequest(tracer, i);
  await provider.forceFlush();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // Batches of 100 requests, yielding between them so that the processor's exports run as they would under load.
  for (let i = 0; i < REQUESTS; i++) {
    gatewayRequest(tracer, i);
    if (i % 100 === 99) await new Promise((res) => setImmediate(res));
  }
  await provider.forceFlush();
  const cpu = process.cpuUsage(cpu0);
  const wallNs = Number(process.hrtime.bigint() - t0);
  await provider.shutdown();
  r.close();
  return { cpuUsPerRequest: (cpu.user + cpu.system) / REQUESTS, wallReqPerSec: REQUESTS / (wallNs / 1e9), bytes: r.bytes() };
}

async function batchOf512(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-gateway' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('strangler-gateway');
  for (let i = 0; i < 256; i++) gatewayRequest(tracer, i);
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

function serialiseUsPerSpan(batch: ReadableSpan[], serialise: (b: ReadableSpan[]) => Uint8Array): number {
  for (let i = 0; i < 50; i++) serialise(batch);
  const n = 400;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) serialise(batch);
  return Number(process.hrtime.bigint() - t0) / 1e3 / (n * batch.length);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

void (async () => {
  const batch = await batchOf512();
  const sdkSerialise = (b: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(b)!;
  const ownSerialise = (b: ReadableSpan[]) => otlpTraceBody(b);
  const exporters: Record<string, (url: string) => SpanExporter> = {
    sdk: (url) => new OTLPTraceExporter({ url: `${url}/v1/traces` }),
    own: (url) => new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: url })),
    // The floor: spans made and batched, nothing serialised or sent.
    none: () => ({ export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => undefined }),
  };
  const results: Record<string, { serialiseUsPerSpan: number[]; cpuUsPerRequest: number[]; wallReqPerSec: number[]; bodyBytesPerRequest: number }> = {};
  for (const name of Object.keys(exporters)) results[name] = { serialiseUsPerSpan: [], cpuUsPerRequest: [], wallReqPerSec: [], bodyBytesPerRequest: 0 };
  // Interleaved rounds, so that a change in the machine's load falls on both.
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(exporters)) {
      const r = results[name]!;
      if (name !== 'none') r.serialiseUsPerSpan.push(round2(serialiseUsPerSpan(batch, name === 'sdk' ? sdkSerialise : ownSerialise)));
      const e = await endToEnd(exporters[name]!);
      r.cpuUsPerRequest.push(round2(e.cpuUsPerRequest));
      r.wallReqPerSec.push(Math.round(e.wallReqPerSec));
      r.bodyBytesPerRequest = Math.round(e.bytes / REQUESTS);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { ...v, medianCpuUsPerRequest: median(v.cpuUsPerRequest), requestsPerCpuSecond: Math.round(1e6 / median(v.cpuUsPerRequest)), medianSerialiseUsPerSpan: median(v.serialiseUsPerSpan) }]));
  process.stdout.write(`${JSON.stringify({ requests: REQUESTS, spansPerRequest: 2, batchSpans: batch.length, ...summary }, null, 2)}\n`);
})();
