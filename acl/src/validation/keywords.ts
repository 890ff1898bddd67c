import type Ajv2020 from 'ajv/dist/2020';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { REFINE_KEYWORD, type Refinement } from './json-schema';

/**
 * The keywords the ACL's ajv instances add to JSON Schema, and the rewrite that uses them.
 *
 * LENGTH_KEYWORD: `minLength`/`maxLength` of a string, counted in code points as ajv and zod 4
 * count them, but without walking the string when its UTF-16 length already decides: a string of n
 * code units has between ⌈n/2⌉ and n code points. ajv's own keywords walk every string twice
 * (once per bound), which was a third of a product page's validation.
 */
export const LENGTH_KEYWORD = 'x-code-points';

/** [min, max]; max null when the schema has none. */
type Bounds = readonly [number, number | null];

/** True when `text` has from `min` to `max` code points (ajv's ucs2length, asked only when the length in code units leaves it open). */
export function codePointsWithin(text: string, [min, max]: Bounds): boolean {
  const units = text.length;
  const fewest = Math.ceil(units / 2);
  if ((max === null || units <= max) && fewest >= min) return true;
  if ((max !== null && fewest > max) || units < min) return false;
  const points = ucs2length(text);
  return points >= min && (max === null || points <= max);
}

export function addKeywords(ajv: Ajv2020, refinements: Refinement[]): void {
  if (ajv.getKeyword(REFINE_KEYWORD) === false) {
    ajv.addKeyword({
      keyword: REFINE_KEYWORD,
      schemaType: 'array',
      errors: false,
      // The contract's own predicates; a throw counts as a refusal, as zod counts it.
      validate: (indexes: readonly number[], data: unknown) =>
        indexes.every((i) => {
          try {
            return Boolean((refinements[i] as Refinement)(data));
          } catch {
            return false;
          }
        }),
    });
  }
  if (ajv.getKeyword(LENGTH_KEYWORD) === false) {
    ajv.addKeyword({ keyword: LENGTH_KEYWORD, type: 'string', schemaType: 'array', errors: false, validate: (bounds: Bounds, data: string) => codePointsWithin(data, bounds) });
  }
}

/** Keywords whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** The schema with every string's minLength/maxLength as one LENGTH_KEYWORD (a new object; the input is left alone). */
export function withLengthKeyword(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withLengthKeyword);
  if (typeof node !== 'object' || node === null) return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) out[key] = DATA_KEYWORDS.has(key) ? value : withLengthKeyword(value);
  const { minLength, maxLength } = source;
  const bounded = typeof minLength === 'number' || typeof maxLength === 'number';
  if (source['type'] === 'string' && bounded) {
    delete out['minLength'];
    delete out['maxLength'];
    out[LENGTH_KEYWORD] = [typeof minLength === 'number' ? minLength : 0, typeof maxLength === 'number' ? maxLength : null];
  }
  return out;
}
