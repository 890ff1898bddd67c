import type { IncomingMessage } from 'node:http';
import type { Limits } from '../config/schema';
import { connectionTokens, protectedFromConnection, SINGLETON_FIELDS } from '../http/header-rules';
import { REFUSED_METHODS } from '../http/methods';
import { GatewayError } from '../http/problems';
import type { Exchange } from './exchange';

/**
 * Refusals decided from the request head alone, before routing: request smuggling shapes
 * (a Transfer-Encoding other than one `chunked` on HTTP/1.1, a duplicated singleton field such as
 * Host or Content-Length, a `Connection` that names a field the gateway relies on), methods the
 * edge never proxies, oversize targets and heads, too many fields, and bodies declared larger than
 * the limit (refused before any upstream connection is opened).
 *
 * Every field is seen: the server keeps at most `PARSED_HEADER_CAP` fields, one more than any
 * allowed `maxHeaderCount`, so a head the parser truncated always fails the count.
 */
export function checkRequestHead(req: IncomingMessage, limits: Limits): GatewayError | null {
  // HTTP/0.9 has no head at all, and HTTP/1.1 requires a Host (RFC 9112 §3.2): neither is forwarded.
  if (req.httpVersionMajor !== 1) return new GatewayError('bad-request', `HTTP/${req.httpVersion} is not accepted`);
  if (req.httpVersionMinor === 1 && req.headers.host === undefined) return new GatewayError('missing-host', 'an HTTP/1.1 request must carry a Host header');
  const url = req.url ?? '';
  if (url.length > limits.maxUrlBytes) return new GatewayError('uri-too-long', `request target is ${url.length} bytes; the limit is ${limits.maxUrlBytes}`);
  const raw = req.rawHeaders;
  const fields = raw.length / 2;
  if (fields > limits.maxHeaderCount) return new GatewayError('headers-too-large', `the request has ${fields >= PARSED_HEADER_CAP ? 'more than ' : ''}${fields} header fields; the limit is ${limits.maxHeaderCount}`);
  let encodings = 0;
  let headBytes = 0;
  let seen: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    headBytes += name.length + (raw[i + 1] as string).length + 4;
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') encodings++;
    else if (SINGLETON_FIELDS.has(lower)) {
      if ((seen ??= new Set()).has(lower)) return duplicate(lower);
      seen.add(lower);
    }
  }
  if (headBytes > limits.maxHeaderBytes) return new GatewayError('headers-too-large', `request headers are ${headBytes} bytes; the limit is ${limits.maxHeaderBytes}`);
  if (encodings > 0) {
    const te = req.headers['transfer-encoding'];
    if (encodings > 1 || te !== 'chunked') return new GatewayError('bad-transfer-encoding', 'only "Transfer-Encoding: chunked" is accepted');
    // HTTP/1.0 has no chunked coding (RFC 9112 §6.1): a 1.0 peer and the upstream could disagree on where the body ends.
    if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) return new GatewayError('bad-transfer-encoding', 'Transfer-Encoding is not allowed in an HTTP/1.0 request');
  }
  for (const token of connectionTokens(req.headers.connection)) {
    if (protectedFromConnection(token)) return new GatewayError('bad-connection-header', `"Connection: ${token}" would remove a field the gateway relies on`);
  }
  const method = req.method ?? '';
  if (REFUSED_METHODS.has(method)) return new GatewayError('method-not-allowed', `${method} is not proxied`);
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > limits.maxBodyBytes) {
    return new GatewayError('payload-too-large', `request body is ${length} bytes; the limit is ${limits.maxBodyBytes}`);
  }
  return null;
}

/** The most header fields the server hands over (Node's `maxHeadersCount`): one more than `maxHeaderCount` may be. */
export const PARSED_HEADER_CAP = 1_001;

function duplicate(lower: string): GatewayError {
  if (lower === 'host') return new GatewayError('duplicate-host', 'a request must carry exactly one Host header');
  return new GatewayError('duplicate-header', `a request may carry only one ${lower} field`);
}

/**
 * Stage `guards`. A refused head always closes the connection: whatever the client sends after a
 * request the gateway would not read (its body, a smuggled second request) is never parsed.
 */
export function guardStage(x: Exchange): void {
  const refused = checkRequestHead(x.req, x.table.limits);
  if (refused) return x.refuse(refused, true);
  x.next();
}
