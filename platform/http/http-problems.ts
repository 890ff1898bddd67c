import type { ProblemKind } from './problem';

/**
 * The problems any HTTP part answers before its own code runs or after it fails: an unknown
 * path, a body that cannot be read, an unexpected error, a database that does not answer.
 * A part spreads these into its own table, so the error responder can answer them by code.
 */
export const HTTP_PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'invalid-json': { status: 400, title: 'Request body is not valid JSON' },
  'not-found': { status: 404, title: 'Not found' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'internal-error': { status: 500, title: 'Internal error' },
  'database-unavailable': { status: 503, title: 'Database unavailable' },
} as const satisfies Readonly<Record<string, ProblemKind>>;

/** A code every part's problem table holds. */
export type HttpProblemCode = keyof typeof HTTP_PROBLEMS;
