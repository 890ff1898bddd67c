import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { otlpExportConfig } from '../../../platform/trace/otlp-env';
import { OtlpJsonSpanExporter } from '../../../platform/trace/otlp-json-exporter';
import { otlpTraceJson } from '../../../platform/trace/otlp-json-body';
import { sampleSpans } from '../../../platform/test-kit/sample-spans';
import { readTraceExport } from '../../src/observability/otlp-json';
import type { SpanRecord } from '../../src/observability/span-record';
import { startTraceCollector, type TraceCollector } from '../../src/observability/trace-collector';

/**
 * The platform's own OTLP JSON exporter against the collector `npm start -- --trace` runs: every
 * span of the sample (all attribute types, events, links, statuses, kinds, unicode) is stored, and
 * read exactly as the collector reads the SDK serializer's body for the same spans.
 */

let spans: ReadableSpan[];
let collector: TraceCollector;
let stored: SpanRecord[] = [];

beforeAll(async () => {
  spans = await sampleSpans();
  collector = await startTraceCollector({ sink: { write: async (s) => void stored.push(...s) } });
});
afterAll(() => collector.close());

/** The SDK's body with what OTLP JSON says of int64 applied: an integer past 2^53 as a decimal string. */
function sdkBody(list: ReadableSpan[]): unknown {
  const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(list)!);
  return JSON.parse(text, (key, value: unknown) => (key === 'intValue' && typeof value === 'number' && !Number.isSafeInteger(value) ? BigInt(value).toString() : value));
}

it('reads our body span for span as it reads the SDK serializer\'s, rejecting none', () => {
  const ours = readTraceExport(JSON.parse(otlpTraceJson(spans)));
  expect(ours.rejected).toBe(0);
  expect(ours.spans).toHaveLength(spans.length);
  expect(ours.spans).toEqual(readTraceExport(sdkBody(spans)).spans);
  expect(ours.spans.find((s) => s.kind === 'server')?.attributes['strangler.huge']).toBe('1152921504606846976');
});

it('keeps the span whose integer past 2^53 the SDK serializer writes as a JSON number, which this collector refuses', () => {
  const raw = readTraceExport(JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!)));
  expect(raw.rejected).toBe(1);
  expect(raw.firstError).toMatch(/intValue/);
  expect(readTraceExport(JSON.parse(otlpTraceJson(spans))).rejected).toBe(0);
});

it('stores every span the exporter sends over HTTP, the export a success', async () => {
  stored = [];
  const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint }));
  const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
  expect(result).toEqual({ code: ExportResultCode.SUCCESS });
  expect(stored).toEqual(readTraceExport(JSON.parse(otlpTraceJson(spans))).spans);
  expect(new Set(stored.map((s) => s.service))).toEqual(new Set(['strangler-gateway', 'tight "service" ✓']));
  await exporter.shutdown();
});
