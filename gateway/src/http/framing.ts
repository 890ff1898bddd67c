import type { IncomingMessage } from 'node:http';

/**
 * How a request's body is delimited on the wire (RFC 9112 §6). The gateway reads it once and
 * forwards exactly that framing, whatever the method: a body that travels without its framing
 * header would be read by the upstream as the start of a second request (request smuggling).
 */
export type Framing = { readonly kind: 'none' } | { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' };

const NONE: Framing = Object.freeze({ kind: 'none' });
const CHUNKED: Framing = Object.freeze({ kind: 'chunked' });

/**
 * The framing of a request the guards have accepted (at most one Transfer-Encoding, exactly
 * `chunked`, never beside Content-Length; Node's parser has refused malformed lengths).
 */
export function framingOf(req: IncomingMessage): Framing {
  if (req.headers['transfer-encoding'] !== undefined) return CHUNKED;
  const length = req.headers['content-length'];
  if (length === undefined || length === '0') return NONE;
  return { kind: 'length', length: Number(length) };
}

/** True when the request announces a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
