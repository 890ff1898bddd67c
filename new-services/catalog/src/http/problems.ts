import { HTTP_PROBLEMS, Problem, type FieldIssue } from '../../../../platform';

/** Every error the catalog answers with, and its status, in one place (RFC 9457 problem+json). */
export const PROBLEMS = {
  ...HTTP_PROBLEMS,
  'validation-failed': { status: 400, title: 'Request does not match the contract' },
  'bad-parameter': { status: 400, title: 'Bad path or query parameter' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'duplicate-sku': { status: 409, title: 'SKU already in use' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export type { FieldIssue };

/** An error the catalog answers with a problem+json body; only its own codes can be named. */
export class HttpProblem extends Problem {
  constructor(code: ProblemCode, detail: string, errors: readonly FieldIssue[] = [], headers: Readonly<Record<string, string>> = {}) {
    super(code, PROBLEMS[code], detail, errors, { headers });
  }
}
