import type { z } from 'zod';
import { HttpProblem, type FieldIssue, type ProblemCode } from './problems';

/** `['lines', 0, 'quantity']` → `lines[0].quantity`; the root is `''`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

/** Every issue zod found, each with its path: a client fixes all of them in one round trip. */
export function fieldErrors(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses `value` or throws a 400 problem listing every field error. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string, code: ProblemCode = 'invalid-body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error);
  throw new HttpProblem(code, `${what} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`, errors);
}
