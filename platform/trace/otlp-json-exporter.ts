import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpExportConfig } from './otlp-env';
import { otlpTraceBody } from './otlp-json-body';

/** An export the collector did not take: its HTTP status when it answered, else the socket's or the timeout's error. */
export class OtlpExportError extends Error {
  readonly code = 'E_OTLP_EXPORT';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** More batches than this in flight means the collector is not keeping up: further ones are dropped, not queued. */
const MAX_IN_FLIGHT = 8;
/** Enough of an answer to say why it refused; the rest is drained unread. */
const MAX_ANSWER_CHARS = 1024;

/**
 * Spans to an OTLP/HTTP collector as JSON: one POST per batch the BatchSpanProcessor hands over,
 * the body written by `otlpTraceBody` (a string per span, not an object per attribute), on a
 * keep-alive agent. It never throws into the caller: a refused, failed or timed-out export is a
 * FAILED result and its batch is dropped (the processor reports it to OpenTelemetry's error
 * handler); this exporter itself warns once per run of failures, not per batch or span.
 */
export class OtlpJsonSpanExporter implements SpanExporter {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly inFlight = new Set<Promise<void>>();
  private failing = false;
  private stopped = false;

  constructor(private readonly config: OtlpExportConfig) {
    const https = config.url.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT }) : new HttpAgent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
    this.send = https ? httpsRequest : httpRequest;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: ExportResultCode.FAILED, error: new OtlpExportError('the exporter is shut down') });
    if (this.inFlight.size >= MAX_IN_FLIGHT) return this.done(resultCallback, new OtlpExportError(`${MAX_IN_FLIGHT} exports already in flight to ${this.config.url.origin}: batch dropped`));
    let body: Buffer;
    try {
      body = otlpTraceBody(spans);
    } catch (e) {
      return this.done(resultCallback, e instanceof Error ? e : new OtlpExportError(String(e)));
    }
    const sent = this.post(body).then(
      () => this.done(resultCallback),
      (e: Error) => this.done(resultCallback, e),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Waits for the exports in flight; what the processor still buffers is its own to flush. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  private done(callback: (result: ExportResult) => void, error?: Error): void {
    if (error === undefined) {
      this.failing = false;
      return callback({ code: ExportResultCode.SUCCESS });
    }
    if (!this.failing) diag.warn(`OTLP span export to ${this.config.url.origin} failed, batches are dropped until one succeeds: ${error.message}`);
    this.failing = true;
    callback({ code: ExportResultCode.FAILED, error });
  }

  private post(body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.send(this.config.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.config.headers, 'content-type': 'application/json', 'content-length': body.length },
      });
      // One deadline for the whole exchange, not an idle timeout that a trickling answer would keep resetting.
      const timer = setTimeout(() => req.destroy(new OtlpExportError(`no answer within ${this.config.timeoutMs} ms`)), this.config.timeoutMs);
      timer.unref();
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.on('response', (res: IncomingMessage) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (answer.length < MAX_ANSWER_CHARS) answer += chunk;
        });
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new OtlpExportError(`the collector answered ${status}${answer ? `: ${answer.slice(0, MAX_ANSWER_CHARS)}` : ''}`, status));
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        res.on('close', () => {
          clearTimeout(timer);
          if (!res.complete) reject(new OtlpExportError('the answer was cut off'));
        });
      });
      req.end(body);
    });
  }
}
