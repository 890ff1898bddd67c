import { _, type KeywordCxt } from 'ajv/dist/2020';
import type Ajv2020 from 'ajv/dist/2020';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { FIXED_PATTERN_KEYWORD, fixedPatternMatcher, withFixedPatterns } from './fixed-pattern';
import { REFINE_KEYWORD, rewriteSchema, type Refinement } from './json-schema';
import { isPlainNode, PLAIN_KEYWORD, type PlainKind } from './plain-check';

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
export function codePointsWithin(text: string, min: number, max: number | null): boolean {
  const units = text.length;
  const fewest = Math.ceil(units / 2);
  if ((max === null || units <= max) && fewest >= min) return true;
  if ((max !== null && fewest > max) || units < min) return false;
  const points = ucs2length(text);
  return points >= min && (max === null || points <= max);
}

/** True when every one of `checks` accepts `data`; a throw counts as a refusal (zod would raise it: the answer is refused either way). */
function passesAll(checks: readonly Refinement[], data: unknown): boolean {
  for (const check of checks) {
    try {
      if (!check(data)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Both keywords are `code` keywords: ajv writes a direct call into the validator it generates. A
 * function keyword (`validate`) is called with a context object and its data path built anew for
 * every value, whether it passes or not, which was a third of a product page's validation.
 */
export function addKeywords(ajv: Ajv2020, refinements: Refinement[]): void {
  if (ajv.getKeyword(REFINE_KEYWORD) === false) {
    ajv.addKeyword({
      keyword: REFINE_KEYWORD,
      schemaType: 'array',
      // The contract's own predicates, fixed when the schema is compiled (they are registered before it).
      code(cxt: KeywordCxt) {
        const checks = (cxt.schema as readonly number[]).map((i) => refinements[i] as Refinement);
        const passes = cxt.gen.scopeValue('func', { ref: (data: unknown) => passesAll(checks, data) });
        cxt.fail(_`!${passes}(${cxt.data})`);
      },
    });
  }
  if (ajv.getKeyword(PLAIN_KEYWORD) === false) {
    ajv.addKeyword({
      keyword: PLAIN_KEYWORD,
      schemaType: 'array',
      // Written out inline for each kind the node admits (plain-check.ts): no call for the usual value.
      code(cxt: KeywordCxt) {
        const { gen, data } = cxt;
        const kinds = new Set(cxt.schema as readonly PlainKind[]);
        const plain = gen.scopeValue('func', { ref: isPlainNode });
        const protoOf = gen.scopeValue('func', { ref: Object.getPrototypeOf });
        const objectPrototype = gen.scopeValue('obj', { ref: Object.prototype });
        if (kinds.has('number')) cxt.fail(_`typeof ${data} == "number" && !isFinite(${data})`);
        if (kinds.has('object')) cxt.fail(_`${data} !== null && typeof ${data} == "object" && !Array.isArray(${data}) && ${protoOf}(${data}) !== ${objectPrototype}`);
        if (kinds.has('array')) cxt.fail(_`Array.isArray(${data}) && !${plain}(${data})`);
      },
    });
  }
  if (ajv.getKeyword(FIXED_PATTERN_KEYWORD) === false) {
    ajv.addKeyword({
      keyword: FIXED_PATTERN_KEYWORD,
      type: 'string',
      schemaType: 'string',
      // The pattern's matcher on character codes (fixed-pattern.ts), made when the schema is compiled.
      code(cxt: KeywordCxt) {
        const matcher = fixedPatternMatcher(cxt.schema as string);
        if (matcher === undefined) throw new Error(`${FIXED_PATTERN_KEYWORD}: not a fixed-shape pattern: ${String(cxt.schema)}`);
        const matches = cxt.gen.scopeValue('func', { ref: matcher });
        cxt.fail(_`!${matches}(${cxt.data})`);
      },
    });
  }
  if (ajv.getKeyword(LENGTH_KEYWORD) === false) {
    ajv.addKeyword({
      keyword: LENGTH_KEYWORD,
      type: 'string',
      schemaType: 'array',
      code(cxt: KeywordCxt) {
        const [min, max] = cxt.schema as Bounds;
        // The bounds are numbers from the schema (ajv's `_` writes them as literals).
        const within = cxt.gen.scopeValue('func', { ref: codePointsWithin });
        cxt.fail(_`!${within}(${cxt.data}, ${min}, ${max})`);
      },
    });
  }
}

/** The schema with every string's minLength/maxLength as one LENGTH_KEYWORD (a new object; the input is left alone). */
export function withLengthKeyword(node: unknown): unknown {
  return rewriteSchema(node, (out) => {
    const { minLength, maxLength } = out;
    if (out['type'] !== 'string' || (typeof minLength !== 'number' && typeof maxLength !== 'number')) return out;
    delete out['minLength'];
    delete out['maxLength'];
    out[LENGTH_KEYWORD] = [typeof minLength === 'number' ? minLength : 0, typeof maxLength === 'number' ? maxLength : null];
    return out;
  });
}

/** The keywords JSON Schema applies to one type only (a value of another type passes them), by type. */
const TYPE_ONLY: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['minLength', 'maxLength', 'pattern', LENGTH_KEYWORD, FIXED_PATTERN_KEYWORD]),
  number: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  integer: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  boolean: new Set(),
};

/** `{anyOf: [{type: T, ...}, {type: "null"}]}` as one object, when that says the same; otherwise undefined. */
function nullableScalar(node: Record<string, unknown>): Record<string, unknown> | undefined {
  const branches = node['anyOf'];
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  const isNull = (b: unknown): boolean => typeof b === 'object' && b !== null && Object.keys(b).length === 1 && (b as Record<string, unknown>)['type'] === 'null';
  const [first, second] = branches as [unknown, unknown];
  const other = isNull(second) ? first : isNull(first) ? second : undefined;
  if (typeof other !== 'object' || other === null || Array.isArray(other)) return undefined;
  const { type, ...rest } = other as Record<string, unknown>;
  const only = typeof type === 'string' ? TYPE_ONLY[type] : undefined;
  if (only === undefined) return undefined;
  for (const key of Object.keys(rest)) if (!only.has(key) || key in node) return undefined;
  const { anyOf: _branches, ...outer } = node;
  return { ...outer, ...rest, type: [type, 'null'] };
}

/**
 * The schema with every nullable scalar (zod's `.nullable()`: `anyOf` of the type and `null`) as one
 * type list, `{type: ["string", "null"], ...}`, when the type's other keywords apply to that type
 * only, so that null passes them either way: the same verdict for every value. ajv checks an
 * `anyOf` by trying each branch and keeping the failed branch's error, an object made and thrown
 * away for every non-null value (a product's description, fifty times a page). A new object; the
 * input is left alone.
 */
export function withNullableScalars(node: unknown): unknown {
  return rewriteSchema(node, (out) => nullableScalar(out) ?? out);
}

/** A contract's JSON Schema as the ACL's ajv instances compile it: every rewrite above, and fixed-shape patterns (fixed-pattern.ts). */
export function forAjv(schema: Record<string, unknown>): Record<string, unknown> {
  return withNullableScalars(withFixedPatterns(withLengthKeyword(schema))) as Record<string, unknown>;
}
