import type http from 'node:http';

/** Marks an answer that came from a fallback, with the reason the primary was passed over (e.g. circuit-open). */
export const FALLBACK_HEADER = 'x-strangler-fallback';

/** The route's fixed JSON fallback, compiled at load. */
export function sendStaticFallback(res: http.ServerResponse, status: number, body: Buffer, requestId: string, reason: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': body.length,
    'x-request-id': requestId,
    [FALLBACK_HEADER]: reason,
  });
  res.end(head ? undefined : body);
}
