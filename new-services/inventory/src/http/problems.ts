import { HTTP_PROBLEMS, Problem, type FieldIssue } from '../../../../platform';

/** Every problem the inventory service answers with, and its status, in one place. */
export const PROBLEMS = {
  ...HTTP_PROBLEMS,
  'invalid-body': { status: 400, title: 'Request body does not fit the contract' },
  'invalid-parameter': { status: 400, title: 'Invalid parameter' },
  'stock-not-found': { status: 404, title: 'No stock for this product' },
  'reservation-not-found': { status: 404, title: 'Reservation not found' },
  'out-of-stock': { status: 409, title: 'Not enough stock' },
  'reservation-id-reused': { status: 409, title: 'Reservation id reused with a different request' },
  'reservation-state': { status: 409, title: 'Reservation is not in a state that allows this' },
  'stock-invariant-violated': { status: 422, title: 'Stock would break an invariant' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export type { FieldIssue };

/** An error answered as RFC 9457 problem+json; `members` adds extension members such as `available`. */
export class HttpProblem extends Problem {
  constructor(code: ProblemCode, detail: string, errors?: readonly FieldIssue[], members: Readonly<Record<string, unknown>> = {}) {
    super(code, PROBLEMS[code], detail, errors, { members });
  }
}
