import { randomUUID } from 'node:crypto';

/**
 * The one request-id rule: an incoming id of at most 128 visible characters from [A-Za-z0-9._:-]
 * is kept, so one trace spans the gateway and the parts behind it; anything else (empty, too
 * long, spaces, quotes, control characters) is replaced, because the id is echoed in headers and
 * written into every log line, where a client must not be able to inject text.
 */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming `x-request-id` header's value when it follows the rule, else a random UUID. */
export function requestIdFrom(header: string | readonly string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
