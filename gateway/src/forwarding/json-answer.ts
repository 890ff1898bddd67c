import { answerHeaders } from '../http/headers';
import type { Exchange } from '../pipeline/exchange';

/** Upstream fields that describe the upstream's body and would lie about a rewritten one. */
const BODY_FIELDS: ReadonlySet<string> = new Set(['content-length', 'content-type', 'content-encoding', 'etag', 'content-md5', 'digest']);

/**
 * Answers with a JSON body the gateway wrote (a translation, a composition) in place of the
 * upstream's: its status and end-to-end fields, minus those that described the old body, plus
 * `extra` (a flat name/value list).
 */
export function sendJsonAnswer(x: Exchange, status: number, reason: string, upstreamHeaders: readonly Buffer[], body: string, extra: readonly string[] = []): void {
  let skip: ReadonlySet<string> = BODY_FIELDS;
  if (extra.length > 0) skip = new Set([...BODY_FIELDS, ...extra.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())]);
  const headers = answerHeaders(upstreamHeaders, x.requestId, skip);
  headers.push('content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)), ...extra);
  x.res.writeHead(status, reason, headers);
  x.res.end(body);
}

/** Collects a body up to a cap; says when the cap was passed. */
export class BodyBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly cap: number) {}

  /** False once the body is larger than the cap (the chunk is kept, so the whole can still be handed on). */
  add(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    return this.size <= this.cap;
  }

  get pieces(): readonly Buffer[] {
    return this.chunks;
  }

  whole(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
