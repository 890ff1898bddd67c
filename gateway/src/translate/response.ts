import type { Responder } from '../forwarding/forward';
import { streamResponse } from '../forwarding/forward';
import { clientResponseHeaders } from '../pipeline/headers';
import { GatewayError, sendProblem } from '../pipeline/problems';
import { isJson, readBody } from '../http/body';
import { TranslationError, type TranslationMapping } from './mapping';

/** Upstream fields that describe the untranslated body and would lie about the translated one. */
const BODY_FIELDS = new Set(['content-length', 'content-type', 'content-encoding', 'etag', 'content-md5', 'digest']);

/**
 * Answers with the upstream's 2xx JSON translated into the new contract. Anything else (errors,
 * non-JSON) streams through untouched. A body that cannot be translated is a 502 naming the
 * mapping and the fields, never a half-translated answer.
 */
export function translatingResponder(mapping: TranslationMapping, capBytes: number): Responder {
  return async (upstreamRes, res, ctx, upstream) => {
    const status = upstreamRes.statusCode ?? 502;
    if (status < 200 || status >= 300 || status === 204 || !isJson(upstreamRes.headers['content-type'])) {
      return streamResponse(upstreamRes, res, ctx, upstream);
    }
    const read = await readBody(upstreamRes, capBytes);
    const fail = (detail: string, extra: Record<string, unknown> = {}) => {
      const error = new GatewayError('translation-failed', detail, { mapping: mapping.name, upstream, ...extra });
      sendProblem(res, error, ctx.requestId);
      return error;
    };
    if (!read.ok && read.why === 'too-large') {
      upstreamRes.destroy();
      return fail(`the answer of "${upstream}" is larger than ${capBytes} bytes, the most the gateway translates`);
    }
    if (!read.ok) return fail(`"${upstream}" cut its answer short`);
    const raw = read.body;
    let body: string;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(`the answer of "${upstream}" is not valid JSON`);
    }
    try {
      body = JSON.stringify(await mapping.evaluate(parsed, new Date(ctx.receivedAt)));
    } catch (e) {
      if (e instanceof TranslationError) return fail(e.message, e.issues.length ? { errors: e.issues } : {});
      // Whatever else went wrong inside the ACL is still this answer's failure, never the process's.
      return fail(`mapping ${mapping.name} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
    }
    const upstreamHeaders = clientResponseHeaders(upstreamRes.rawHeaders, upstreamRes.headers.connection, ctx.requestId);
    const headers: string[] = [];
    for (let i = 0; i < upstreamHeaders.length; i += 2) {
      const name = upstreamHeaders[i] as string;
      if (!BODY_FIELDS.has(name.toLowerCase())) headers.push(name, upstreamHeaders[i + 1] as string);
    }
    headers.push('content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)));
    res.writeHead(status, headers);
    res.end(body);
    return undefined;
  };
}
