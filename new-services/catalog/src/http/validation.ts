import type { z } from 'zod';
import { HttpProblem, type FieldIssue } from './problems';

/** `items[0].price.amount`: the path style the gateway and the ACL use too. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(body)' : out;
}

/** One entry per field, so a client fixes everything in one round trip instead of one error at a time. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a field of this contract' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** Parses a request body against a contract schema; 400 listing every field error otherwise. */
export function validateBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined) {
    throw new HttpProblem('unsupported-media-type', 'expected a JSON body sent as content-type: application/json');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    throw new HttpProblem('validation-failed', `${issues.length} field error(s) in the request body`, issues);
  }
  return parsed.data;
}
