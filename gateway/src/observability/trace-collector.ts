import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import { OtlpRequestError, readTraceExport } from './otlp-json';
import type { SpanRecord } from './span-record';

/**
 * A small OTLP/HTTP collector for traces in JSON: `POST /v1/traces` with
 * `content-type: application/json` (gzip allowed), answered as the OTLP spec asks (200 with an
 * ExportTraceServiceResponse, its partial success counting spans it could not read; 4xx with a
 * Status body otherwise, so that exporters do not retry what will never pass). What `npm start --
 * --trace` runs so that a newcomer sees traces without installing Jaeger; not a production collector.
 */

/** Where received spans go. */
export interface SpanSink {
  write(spans: readonly SpanRecord[]): Promise<void>;
}

export interface TraceCollectorOptions {
  readonly sink: SpanSink;
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The largest body taken, after decompression; larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Told when spans could not be stored (the exporter is answered 500). */
  readonly onSinkError?: (error: unknown) => void;
}

export interface TraceCollector {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT names: the exporters add `/v1/traces`. */
  readonly endpoint: string;
  /** The traces URL itself. */
  readonly tracesUrl: string;
  close(): Promise<void>;
}

/** Big enough for the SDK's default batch of 512 spans with many attributes. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** google.rpc.Status codes the answers use. */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const INTERNAL = 13;

class BodyTooLarge extends Error {}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { code, message }, headers);
}

/** The body, decompressed, refused past `max` bytes without holding more than that. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const gzip = (req.headers['content-encoding'] ?? 'identity').toLowerCase() === 'gzip';
  const source = gzip ? req.pipe(createGunzip()) : req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        source.removeAllListeners('data');
        // Nothing more is decompressed; the rest of the upload drains until the answer closes the connection.
        if (gzip) {
          req.unpipe();
          source.destroy();
          req.resume();
        }
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => resolve(Buffer.concat(chunks)));
    source.on('error', reject);
    if (gzip) req.on('error', reject);
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

async function handle(req: IncomingMessage, res: ServerResponse, options: TraceCollectorOptions, max: number): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/v1/traces') return refuse(res, 404, NOT_FOUND, `only /v1/traces is served here (traces in OTLP/HTTP JSON), not ${path}`);
  if (req.method !== 'POST') return refuse(res, 405, INVALID_ARGUMENT, 'send traces with POST', { allow: 'POST' });
  const type = mediaType(req);
  if (type !== 'application/json') {
    return refuse(res, 415, INVALID_ARGUMENT, `this collector takes OTLP/HTTP JSON (content-type: application/json), not ${type === '' ? 'a body without a content-type' : `"${type}"`}: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') return refuse(res, 415, INVALID_ARGUMENT, `content-encoding "${encoding}" is not taken: send gzip or none`);
  const tooLarge = `the body is over ${max} bytes: send smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)`;
  const declared = Number(req.headers['content-length']);
  // Closed after answering: what the client still sends is not read.
  if (encoding === 'identity' && declared > max) return refuse(res, 413, INVALID_ARGUMENT, tooLarge, { connection: 'close' });
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, max)).toString('utf8'));
  } catch (e) {
    if (e instanceof BodyTooLarge) return refuse(res, 413, INVALID_ARGUMENT, tooLarge, { connection: 'close' });
    return refuse(res, 400, INVALID_ARGUMENT, `the body is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  let read;
  try {
    read = readTraceExport(body);
  } catch (e) {
    if (e instanceof OtlpRequestError) return refuse(res, 400, INVALID_ARGUMENT, e.message);
    throw e;
  }
  try {
    if (read.spans.length > 0) await options.sink.write(read.spans);
  } catch (e) {
    options.onSinkError?.(e);
    return refuse(res, 500, INTERNAL, `the spans could not be stored: ${e instanceof Error ? e.message : String(e)}`);
  }
  // int64 fields are strings in OTLP JSON.
  send(res, 200, read.rejected === 0 ? {} : { partialSuccess: { rejectedSpans: String(read.rejected), errorMessage: read.firstError ?? '' } });
}

export async function startTraceCollector(options: TraceCollectorOptions): Promise<TraceCollector> {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = createServer((req, res) => {
    handle(req, res, options, max).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, INTERNAL, e instanceof Error ? e.message : String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const endpoint = `http://${host}:${port}`;
  return {
    endpoint,
    tracesUrl: `${endpoint}/v1/traces`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
