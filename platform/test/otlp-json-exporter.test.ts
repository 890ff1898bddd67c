import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DEFAULT_TIMEOUT_MS, otlpExportConfig, OtlpConfigError } from '../trace/otlp-env';
import { OtlpExportError, OtlpJsonSpanExporter } from '../trace/otlp-json-exporter';
import { startOtlpReceiver, type OtlpReceiver } from '../test-kit/otlp-receiver';
import { sampleSpans } from '../test-kit/sample-spans';

/** A collector stand-in that records each export's headers and answers with the given status, or never. */
async function rawCollector(status: number | 'never'): Promise<{ url: string; headers: IncomingHttpHeaders[]; server: Server }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      if (status !== 'never') res.writeHead(status, { 'content-type': 'application/json' }).end('{"code":13,"message":"storage down"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, headers, server };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function exportOnce(exporter: OtlpJsonSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Posts a body as the SDK's exporter would, to compare what a receiver makes of both. */
function post(url: string, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end(body);
  });
}

describe('the OTLP/HTTP JSON span exporter', () => {
  let spans: ReadableSpan[];
  beforeAll(async () => {
    spans = await sampleSpans();
  });

  describe('to the test kit receiver', () => {
    let ours: OtlpReceiver;
    let sdks: OtlpReceiver;
    beforeEach(async () => {
      [ours, sdks] = await Promise.all([startOtlpReceiver(), startOtlpReceiver()]);
    });
    afterEach(() => Promise.all([ours.close(), sdks.close()]));

    it('sends one request per batch, read exactly as the SDK serializer\'s body for the same spans', async () => {
      const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ours.endpoint }));
      expect(await exportOnce(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
      await post(`${sdks.endpoint}/v1/traces`, JsonTraceSerializer.serializeRequest(spans)!);
      expect(ours.bodies).toHaveLength(1);
      expect(ours.spans).toHaveLength(spans.length);
      expect(ours.spans).toEqual(sdks.spans);
      await exporter.shutdown();
    });

    it('refuses batches once shut down, without sending them', async () => {
      const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ours.endpoint}/v1/traces` }));
      await exporter.shutdown();
      const result = await exportOnce(exporter, spans);
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(ours.bodies).toEqual([]);
    });
  });

  it('sends the headers of OTEL_EXPORTER_OTLP_HEADERS, URL-decoded, the traces-only ones winning', async () => {
    const c = await rawCollector(200);
    const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: c.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s%20cret%2Cx, x-team=general', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces' }));
    expect((await exportOnce(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    expect(c.headers[0]).toMatchObject({ 'x-api-key': 's cret,x', 'x-team': 'traces', 'content-type': 'application/json' });
    await exporter.shutdown();
    await close(c.server);
  });

  it('gives a failed result, not an exception, when the collector answers 500, with the answer in its message', async () => {
    const bad = await rawCollector(500);
    const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: bad.url }));
    const result = await exportOnce(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(OtlpExportError);
    expect(result.error).toMatchObject({ status: 500, message: expect.stringContaining('storage down') });
    await exporter.shutdown();
    await close(bad.server);
  });

  it('gives a failed result when nothing listens at the endpoint', async () => {
    const gone = await rawCollector(200);
    await close(gone.server);
    const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: gone.url }));
    const result = await exportOnce(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 'ECONNREFUSED' });
    await exporter.shutdown();
  });

  it('gives up on a collector that never answers after OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    const mute = await rawCollector('never');
    const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: mute.url, OTEL_EXPORTER_OTLP_TIMEOUT: '50' }));
    const result = await exportOnce(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('no answer within 50 ms');
    expect(mute.headers).toHaveLength(1);
    await exporter.shutdown();
    await close(mute.server);
  });

  it('lets forceFlush wait for the exports in flight', async () => {
    const c = await rawCollector(200);
    const exporter = new OtlpJsonSpanExporter(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: c.url }));
    const results: ExportResult[] = [];
    exporter.export(spans, (r) => results.push(r));
    exporter.export(spans.slice(0, 1), (r) => results.push(r));
    await exporter.forceFlush();
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    await exporter.shutdown();
    await close(c.server);
  });
});

describe('the exporter configuration from the standard variables', () => {
  it('adds /v1/traces to the general endpoint, takes the traces endpoint as it is, and defaults to the local collector', () => {
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).url.href).toBe('http://collector:4318/v1/traces');
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom' }).url.href).toBe('https://b/custom');
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }).url.href).toBe('http://a:4318/v1/traces');
    expect(otlpExportConfig({}).url.href).toBe('http://localhost:4318/v1/traces');
  });

  it('reads the timeout in milliseconds, the traces-only one winning, ten seconds by default', () => {
    expect(otlpExportConfig({}).timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }).timeoutMs).toBe(2500);
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '700' }).timeoutMs).toBe(700);
  });

  it('refuses, naming the variable, what it cannot honour: another protocol, a bad URL, a bad timeout', () => {
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).url.href).toBe('http://localhost:4318/v1/traces');
    expect(() => otlpExportConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL is "http\/protobuf"/);
    // The traces-only protocol wins either way.
    expect(() => otlpExportConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL is "grpc"/);
    expect(otlpExportConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(() => otlpExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318 ' })).toThrow(OtlpConfigError);
    expect(() => otlpExportConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not a URL/);
    expect(() => otlpExportConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: '-5' })).toThrow(/OTEL_EXPORTER_OTLP_TIMEOUT is "-5"/);
    expect(() => otlpExportConfig({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon' })).toThrow(OtlpConfigError);
  });
});
