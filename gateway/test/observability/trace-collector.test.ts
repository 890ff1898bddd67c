import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { jsonlSpanSink } from '../../src/observability/span-file';
import { SpanRecordSchema, type SpanRecord } from '../../src/observability/span-record';
import { startTraceCollector, type TraceCollector } from '../../src/observability/trace-collector';

/**
 * The collector `npm start -- --trace` runs, over real HTTP on port 0: the platform's own
 * OpenTelemetry exporter (in a process of its own) lands as flattened lines in a JSON-lines file,
 * and what is not an OTLP/HTTP JSON export within bounds is refused as OTLP says.
 */

const ROOT = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-collector-'));
let collector: TraceCollector;
let received: SpanRecord[][] = [];

beforeAll(async () => {
  collector = await startTraceCollector({
    sink: { write: async (spans) => void received.push([...spans]) },
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(() => collector.close());
beforeEach(() => {
  received = [];
});

function post(body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  return fetch(collector.tracesUrl, { method: 'POST', body, headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (over: Record<string, unknown> = {}) => ({
  traceId: TRACE.toUpperCase(),
  spanId: '00f067aa0ba902b7',
  parentSpanId: '',
  name: 'GET /api/products',
  kind: 2,
  // A number is taken too (exact here: 1.7e18 is a double).
  startTimeUnixNano: 1700000000000000000,
  endTimeUnixNano: '1700000000012500000',
  attributes: [
    { key: 'http.response.status_code', value: { intValue: '200' } },
    { key: 'big', value: { intValue: '9007199254740993' } },
    { key: 'ratio', value: { doubleValue: 0.5 } },
    { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } } },
    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
  ],
  links: [{ traceId: TRACE, spanId: '1111111111111111', attributes: [] }],
  status: { code: 2, message: 'upstream failed' },
  ...over,
});
const exportOf = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gateway' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });

describe('the trace collector', () => {
  it('takes what the OpenTelemetry exporter sends and appends one flattened line per span to the file', async () => {
    const file = path.join(dir, 'nested', 'traces.jsonl');
    const own = await startTraceCollector({ sink: jsonlSpanSink(file) });
    try {
      await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', path.join(__dirname, 'otlp-export-probe.ts'), own.endpoint, TRACE, '00f067aa0ba902b7'], { cwd: ROOT }, (e, _out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve())),
      );
    } finally {
      await own.close();
    }
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => SpanRecordSchema.parse(JSON.parse(l)));
    const request = lines.find((s) => s.kind === 'server')!;
    const query = lines.find((s) => s.kind === 'client')!;
    expect(request).toMatchObject({ traceId: TRACE, parentSpanId: '00f067aa0ba902b7', name: 'GET', service: 'probe-service', status: { code: 'error' }, links: [] });
    expect(request.attributes).toEqual({ 'http.request.method': 'GET', 'url.path': '/things', 'http.response.status_code': 503, 'strangler.request_id': 'probe-request-1' });
    expect(query).toMatchObject({ traceId: TRACE, parentSpanId: request.spanId, name: 'RAW sqlite', service: 'probe-service' });
    expect(query.attributes['db.query.text']).toBe('select 1 as one');
    expect(Number(BigInt(request.endTimeUnixNano) - BigInt(request.startTimeUnixNano)) / 1e6).toBeCloseTo(request.durationMs, 6);
  });

  it('flattens ids, times, kinds, statuses, attributes and links, and answers an empty response', async () => {
    const r = await post(exportOf([span()]), { 'content-type': 'application/json; charset=utf-8' });
    expect(r).toEqual({ status: 200, body: {} });
    expect(received).toEqual([
      [
        {
          traceId: TRACE,
          spanId: '00f067aa0ba902b7',
          parentSpanId: null,
          name: 'GET /api/products',
          kind: 'server',
          service: 'gateway',
          startTimeUnixNano: '1700000000000000000',
          endTimeUnixNano: '1700000000012500000',
          durationMs: 12.5,
          attributes: { 'http.response.status_code': 200, big: '9007199254740993', ratio: 0.5, tags: ['a', true], map: { k: 'v' } },
          links: [{ traceId: TRACE, spanId: '1111111111111111', attributes: {} }],
          status: { code: 'error', message: 'upstream failed' },
        },
      ],
    ]);
  });

  it('keeps the spans it can read and counts the rest in a partial success', async () => {
    const r = await post(exportOf([span(), span({ spanId: 'xyz' }), span({ traceId: undefined })]), { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: expect.stringContaining('spanId') } });
    expect(received.flat()).toHaveLength(1);
  });

  it('keeps an attribute named like an object internal as a plain key', async () => {
    const attributes = [{ key: '__proto__', value: { stringValue: 'p' } }, { key: 'constructor', value: { intValue: 1 } }];
    expect((await post(exportOf([span({ attributes })]), { 'content-type': 'application/json' })).status).toBe(200);
    const stored = received.flat()[0]!;
    expect(JSON.parse(JSON.stringify(stored)).attributes).toEqual(JSON.parse('{"__proto__":"p","constructor":1}'));
    expect(Object.getPrototypeOf(stored.attributes)).toBe(Object.prototype);
  });

  it('takes a gzip body', async () => {
    const r = await post(gzipSync(exportOf([span()])), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(received.flat()).toHaveLength(1);
  });

  it('refuses protobuf and other content types with 415 and says what to set', async () => {
    const r = await post(Buffer.from([0x0a, 0x00]), { 'content-type': 'application/x-protobuf' });
    expect(r.status).toBe(415);
    expect(r.body).toEqual({ code: 3, message: expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL=http/json') });
    expect((await post(exportOf([span()]), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(exportOf([span()]), { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
    expect(received).toEqual([]);
  });

  it('refuses a body over the bound with 413, declared or found while decompressing', async () => {
    const big = exportOf([span({ name: 'x'.repeat(70 * 1024) })]);
    const declared = await post(big, { 'content-type': 'application/json' });
    expect(declared).toEqual({ status: 413, body: { code: 3, message: expect.stringContaining('over 65536 bytes') } });
    const bomb = await post(gzipSync(big), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(received).toEqual([]);
  });

  it('refuses a chunked body that grows past the bound', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(collector.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // No content-length: the size is only known as the body arrives.
      for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('answers 400 to what is not an export request, 404 elsewhere and 405 to other methods', async () => {
    expect((await post('{"resourceSpans":', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('{"resourceSpans":{}}', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('[]', { 'content-type': 'application/json' })).status).toBe(400);
    const elsewhere = await fetch(`${collector.endpoint}/v1/metrics`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(elsewhere.status).toBe(404);
    const get = await fetch(collector.tracesUrl);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('answers 500 when the spans cannot be stored, and reports why', async () => {
    const errors: unknown[] = [];
    const failing = await startTraceCollector({ sink: { write: () => Promise.reject(new Error('disk full')) }, onSinkError: (e) => errors.push(e) });
    try {
      const r = await fetch(failing.tracesUrl, { method: 'POST', body: exportOf([span()]), headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(500);
      expect(((await r.json()) as { message: string }).message).toContain('disk full');
      expect(errors).toEqual([new Error('disk full')]);
    } finally {
      await failing.close();
    }
  });
});
