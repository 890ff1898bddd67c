import type { z } from 'zod';
import { fieldIssues } from '../../../../platform';
import { HttpProblem, type ProblemCode } from './problems';

/** Parses `value` or throws a 400 problem listing every field error with its path. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string, code: ProblemCode = 'invalid-body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = fieldIssues(parsed.error);
  throw new HttpProblem(code, `${what} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`, errors);
}
