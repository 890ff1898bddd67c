import { z } from 'zod';
import type { FieldIssue } from '../http/problem';

/**
 * Column values as the drivers hand them back, for row schemas that read the same row from SQLite
 * (better-sqlite3) and MySQL/MariaDB (mysql2). They parse rather than coerce: z.coerce.number()
 * would read NULL as 0 and '' or true as numbers, hiding exactly the damage a row schema is there
 * to name.
 */

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * A number. better-sqlite3 returns numbers; mysql2 returns INT, DOUBLE and BIGINT (within 2^53) as
 * numbers but DECIMAL as a string, and SUM() of integer columns is a DECIMAL ("12").
 */
const NOT_A_NUMBER = 'expected a number (or a numeric string)';

export const storedNumber = z
  .union([z.number(), z.string().regex(NUMERIC, NOT_A_NUMBER)], { error: NOT_A_NUMBER })
  .transform(Number)
  // A numeric string too long for a double reads as Infinity.
  .pipe(z.number());

/** A whole number (ids, versions, counts, milliseconds), in either form. */
export const storedInteger = storedNumber.pipe(z.number().int());

/** A boolean column: both engines store 0 or 1 (MySQL's TINYINT(1)); a driver may hand back true/false. */
export const storedBoolean = z.union([z.boolean(), z.literal(0), z.literal(1)], { error: 'expected a boolean (0 or 1)' }).transform(Boolean);

/** JSON kept in a text column, then read by `schema`: bad JSON is an issue on the column, a bad value an issue at its path inside. */
export function storedJson<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `not valid JSON (${e instanceof Error ? e.message : String(e)})` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A field's path as a reader would type it: `overlay["v2.products"].percent`, `routes[0].state.mode`.
 * Keys that are not identifiers are quoted, because route ids and header names contain dots.
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Every issue of a failed parse, each with the path of its field. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message }));
}

/** Issues as one line: `overlay.products.mode: Invalid option…; overlay.orders.percent: …`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
