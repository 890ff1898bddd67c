import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../http/problems';
import { isJson, readBody } from '../http/body';
import { TranslationError, type TranslationMapping } from '../config/mapping';
import { WRITE_METHODS } from '../http/methods';
import type { Exchange } from '../pipeline/exchange';
import type { WorkSpan } from '../observability/spans';
import { endAclSpan, failAclSpan, startAclSpan } from '../observability/acl-span';

/** The client went away before its body ended: nothing is forwarded, and there is nobody to answer. */
export const CLIENT_LEFT = 'client-left' as const;

/**
 * Reads a client's JSON body in the new contract and maps it to the upstream's shape. A body that
 * does not fit the contract is the client's error (400, every field named); a valid body whose
 * translation the upstream's shape refuses is 422 (every field named); a mapping that fails
 * otherwise is the gateway's (502).
 */
export async function translateRequestBody(req: IncomingMessage, mapping: TranslationMapping, limit: number, now: Date, startSpan: () => WorkSpan | null = () => null): Promise<Buffer | GatewayError | typeof CLIENT_LEFT> {
  if (!isJson(req.headers['content-type'])) return new GatewayError('invalid-body', 'the body must be JSON (Content-Type: application/json)');
  const read = await readBody(req, limit);
  if (!read.ok && read.why === 'too-large') return new GatewayError('payload-too-large', `request body exceeds the limit of ${limit} bytes`);
  // A body cut short is never translated: its first bytes may well be valid JSON, and forwarding them would execute a write the client abandoned.
  if (!read.ok) return CLIENT_LEFT;
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.body.toString('utf8'));
  } catch {
    return new GatewayError('invalid-body', 'the body is not valid JSON');
  }
  // Timed from here: the body's upload is the client's time, not the translation's.
  const span = startSpan();
  try {
    const value = await mapping.evaluate(parsed, now);
    if (span) endAclSpan(span, value, 0);
    return Buffer.from(JSON.stringify(value));
  } catch (e) {
    if (span) failAclSpan(span, e instanceof TranslationError ? `translation-${e.kind}` : 'translation-failed');
    if (e instanceof TranslationError && e.kind === 'input') {
      return new GatewayError('invalid-body', e.message, { mapping: mapping.name, errors: e.issues });
    }
    // A valid body the legacy shape cannot hold (the monolith's narrower limits): the client can fix it, the gateway cannot.
    if (e instanceof TranslationError && e.kind === 'output') {
      return new GatewayError('body-not-accepted-upstream', e.message, { mapping: mapping.name, errors: e.issues });
    }
    const detail = e instanceof Error ? e.message : String(e);
    return new GatewayError('translation-failed', `mapping ${mapping.name} failed: ${detail}`, { mapping: mapping.name });
  }
}

/**
 * Stage `request-translate`: a write to a side with a request mapping carries the client's body,
 * read whole and mapped into the upstream's shape, instead of the client's own.
 */
export function requestTranslateStage(x: Exchange): void {
  const mapping = x.target!.translate?.request;
  if (!mapping || !WRITE_METHODS.has(x.req.method ?? '')) return x.next();
  const limit = x.table.limits.maxBodyBytes;
  translateRequestBody(x.req, mapping, limit, new Date(x.receivedAt), () => startAclSpan(x.span, mapping.name, 'request')).then(
    (body) => {
      if (body === CLIENT_LEFT || x.ended) return;
      if (body instanceof GatewayError) return x.refuse(body, body.status === 413);
      x.body = body;
      x.next();
    },
    (e: unknown) => x.refuse(new GatewayError('internal-error', e instanceof Error ? e.message : String(e)), true),
  );
}
