import type http from 'node:http';
import type { RequestContext } from '../pipeline/context';
import { clientResponseHeaders } from '../pipeline/headers';
import { GatewayError, sendProblem } from '../pipeline/problems';
import { isJson } from '../http/body';
import { TranslationError, type TranslationMapping } from '../translate/mapping';
import type { Responder } from './forward';
import type { DroppedPart, PendingParts } from './optional-parts';
import { upstreamFailure } from './socket-errors';

/** Names the parts left out of a composed answer, so that a client can tell a degraded page from a whole one. */
export const DEGRADED_HEADER = 'x-strangler-degraded';

/** Upstream fields that describe the upstream's body and would lie about the composed one. */
const BODY_FIELDS = new Set(['content-length', 'content-type', 'content-encoding', 'etag', 'content-md5', 'digest']);

export interface Composition {
  readonly parts: PendingParts;
  /** Answers a primary that cannot be composed (not 2xx JSON, too large): the plain or translating responder. */
  readonly inner: Responder;
  /** The side's response mapping: parts are merged into the translated body, in the new contract. */
  readonly mapping: TranslationMapping | null;
  readonly capBytes: number;
  /** The parts left out, for the request log and the metrics. */
  readonly onDegraded: (dropped: readonly DroppedPart[]) => void;
}

/**
 * Answers a 2xx JSON object with the parts that arrived in time merged in, each under its field;
 * the rest are left out and named in x-strangler-degraded. Any other primary answers as it would
 * without parts: a missing part may thin an answer, never fail or delay it past the part's timeout.
 */
export function composingResponder(c: Composition): Responder {
  return async (upstreamRes, res, ctx, upstream) => {
    if (!composable(upstreamRes)) {
      c.parts.cancel();
      return c.inner(upstreamRes, res, ctx, upstream);
    }
    const read = await readUpTo(upstreamRes, c.capBytes);
    if (read.over) {
      // Handed back unread, so the inner responder streams (or refuses) it exactly as without parts.
      c.parts.cancel();
      upstreamRes.unshift(read.body);
      return c.inner(upstreamRes, res, ctx, upstream);
    }
    if (!upstreamRes.complete) {
      c.parts.cancel();
      const error = upstreamFailure(upstream, Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      sendProblem(res, error, ctx.requestId);
      return error;
    }
    let value: unknown;
    try {
      value = JSON.parse(read.body.toString('utf8'));
    } catch {
      c.parts.cancel();
      if (c.mapping) return refuse(res, ctx, c.mapping, upstream, `the answer of "${upstream}" is not valid JSON`);
      res.writeHead(upstreamRes.statusCode ?? 200, upstreamRes.statusMessage, clientResponseHeaders(upstreamRes.rawHeaders, upstreamRes.headers.connection, ctx.requestId));
      res.end(read.body);
      return undefined;
    }
    if (c.mapping) {
      try {
        value = await c.mapping.evaluate(value, new Date(ctx.receivedAt));
      } catch (e) {
        c.parts.cancel();
        if (e instanceof TranslationError) return refuse(res, ctx, c.mapping, upstream, e.message, e.issues.length ? { errors: e.issues } : {});
        return refuse(res, ctx, c.mapping, upstream, `mapping ${c.mapping.name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const extra: string[] = [];
    if (isPlainObject(value)) {
      const dropped: DroppedPart[] = [];
      for (const part of await c.parts.results) {
        if (part.ok) value[part.field] = part.value;
        else dropped.push(part);
      }
      // A degraded answer must not be cached as if it were whole.
      if (dropped.length > 0) extra.push(DEGRADED_HEADER, dropped.map((p) => p.field).join(', '), 'cache-control', 'no-store');
      if (dropped.length > 0) c.onDegraded(dropped);
    } else {
      c.parts.cancel();
    }
    writeJson(res, upstreamRes, ctx, JSON.stringify(value), extra);
    return undefined;
  };
}

function composable(upstreamRes: http.IncomingMessage): boolean {
  const status = upstreamRes.statusCode ?? 502;
  const encoding = upstreamRes.headers['content-encoding'] ?? 'identity';
  return status >= 200 && status < 300 && status !== 204 && status !== 205 && encoding === 'identity' && isJson(upstreamRes.headers['content-type']);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writeJson(res: http.ServerResponse, upstreamRes: http.IncomingMessage, ctx: RequestContext, body: string, extra: readonly string[]): void {
  const upstreamHeaders = clientResponseHeaders(upstreamRes.rawHeaders, upstreamRes.headers.connection, ctx.requestId);
  const replaced = new Set([...BODY_FIELDS, ...extra.filter((_, i) => i % 2 === 0)]);
  const headers: string[] = [];
  for (let i = 0; i < upstreamHeaders.length; i += 2) {
    const name = upstreamHeaders[i] as string;
    if (!replaced.has(name.toLowerCase())) headers.push(name, upstreamHeaders[i + 1] as string);
  }
  headers.push('content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)), ...extra);
  res.writeHead(upstreamRes.statusCode ?? 200, headers);
  res.end(body);
}

/** The same refusal as the translating responder's: a bad translation is a 502, never a half-translated answer. */
function refuse(res: http.ServerResponse, ctx: RequestContext, mapping: TranslationMapping, upstream: string, detail: string, extra: Record<string, unknown> = {}): GatewayError {
  const error = new GatewayError('translation-failed', detail, { mapping: mapping.name, upstream, ...extra });
  sendProblem(res, error, ctx.requestId);
  return error;
}

/** Reads a body up to a cap; past it, stops reading and hands back what it has, so that it can be put back. */
function readUpTo(stream: http.IncomingMessage, cap: number): Promise<{ body: Buffer; over: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= cap) return;
      stream.off('data', onData);
      stream.pause();
      resolve({ body: Buffer.concat(chunks, size), over: true });
    };
    stream.on('data', onData);
    // 'close' also ends a body cut short; the caller tells the two apart by `complete`.
    const whole = () => resolve({ body: Buffer.concat(chunks, size), over: false });
    stream.once('end', whole);
    stream.once('close', whole);
    stream.once('error', whole);
  });
}
