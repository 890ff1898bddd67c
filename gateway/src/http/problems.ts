import type { ServerResponse } from 'node:http';
import { ALLOWED_METHODS } from './methods';

/**
 * Every error the gateway itself produces, with its status, in one place. Each answer is an
 * RFC 9457 problem+json body carrying the code and the request id.
 */
export const PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'bad-request-target': { status: 400, title: 'Request target refused' },
  'duplicate-host': { status: 400, title: 'More than one Host header' },
  'bad-transfer-encoding': { status: 400, title: 'Transfer-Encoding refused' },
  'duplicate-header': { status: 400, title: 'A header field that must be unique is repeated' },
  'bad-connection-header': { status: 400, title: 'Connection names a field the gateway relies on' },
  'method-not-allowed': { status: 405, title: 'Method not allowed at the edge' },
  'expectation-failed': { status: 417, title: 'Expectation not supported' },
  'missing-host': { status: 400, title: 'Host header missing' },
  'request-timeout': { status: 408, title: 'Request headers not received in time' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'uri-too-long': { status: 414, title: 'Request target too long' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'no-route': { status: 404, title: 'No route matches' },
  'invalid-body': { status: 400, title: 'Request body does not fit the contract' },
  'body-not-accepted-upstream': { status: 422, title: 'Request body fits the contract but not the upstream that answers this route' },
  'translation-failed': { status: 502, title: 'Upstream answer could not be translated' },
  'upstream-unreachable': { status: 502, title: 'Upstream unreachable' },
  'upstream-reset': { status: 502, title: 'Upstream closed the connection' },
  'upstream-error': { status: 502, title: 'Upstream answered with a server error' },
  'upstream-unavailable': { status: 503, title: 'Upstream unavailable' },
  'upstream-timeout': { status: 504, title: 'Upstream timed out' },
  'circuit-open': { status: 503, title: 'Upstream failing: circuit open' },
  'bulkhead-full': { status: 503, title: 'Too many requests in progress for this upstream or route' },
  overloaded: { status: 503, title: 'Gateway overloaded' },
  'internal-error': { status: 500, title: 'Internal gateway error' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** An error the gateway answers with a problem+json body. */
export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** Sent as Retry-After: when a refusal is temporary, clients are told when to come back. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.status = PROBLEMS[code].status;
  }
}

export function problemBody(code: ProblemCode, detail: string, requestId: string | undefined, extra: Readonly<Record<string, unknown>> = {}): string {
  return JSON.stringify({
    type: `urn:strangler:problem:${code}`,
    title: PROBLEMS[code].title,
    status: PROBLEMS[code].status,
    detail,
    ...(requestId ? { requestId } : {}),
    ...extra,
  });
}

/**
 * Connections the gateway has decided to close after a refusal. Bytes after a refused request
 * (a smuggled second request behind a bad Transfer-Encoding, say) may already be parsed into
 * requests; the handler drops every later request on such a connection instead of forwarding it.
 */
export const closingSockets = new WeakSet<object>();

/** Writes a problem answer unless a response has already begun (then the connection is cut). */
export function sendProblem(res: ServerResponse, error: GatewayError, requestId: string, close = false): void {
  if (close) closingSockets.add(res.socket ?? res);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = problemBody(error.code, error.message, requestId, error.extra);
  res.writeHead(error.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...(error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
    ...(close ? { connection: 'close' } : {}),
    ...(error.code === 'method-not-allowed' ? { allow: ALLOWED_METHODS } : {}),
  });
  res.end(body);
}
