/** Why express's body parser refused a body, in the words of the problem codes. */
export type BodyFailureCode = 'invalid-json' | 'payload-too-large' | 'unsupported-media-type' | 'bad-request';

/** A refused body: what went wrong, and the 4xx status the parser chose. */
export interface BodyFailure {
  readonly code: BodyFailureCode;
  readonly status: number;
}

/**
 * Reads the error express's body parser raised (it carries a 4xx `status` and a `type`); any other
 * error is undefined. Only these two fields are read: the parser's message and body must not leak.
 */
export function bodyFailureOf(err: unknown): BodyFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, type } = err as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.parse.failed') return { code: 'invalid-json', status };
  if (type === 'entity.too.large') return { code: 'payload-too-large', status };
  // 415: a charset or content encoding the parser does not read.
  if (status === 415) return { code: 'unsupported-media-type', status };
  return { code: 'bad-request', status };
}
