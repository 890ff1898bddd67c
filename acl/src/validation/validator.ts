import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { z } from 'zod';
import type { FieldIssue } from '../errors';
import { formatPath, toFieldIssues } from '../issues';
import { contractJsonSchema, REFINE_KEYWORD, type Refinement } from './json-schema';
import { addKeywords, forAjv } from './keywords';
import { withPlainChecks } from './plain-check';

/**
 * A contract's check, compiled once. `accepts` is the hot path (no issue objects made); `issues`
 * explains a refusal.
 */
export interface OutputValidator {
  accepts(value: unknown): boolean;
  /**
   * Set when the contract is closed (plain-check.ts): true when `accepts` is and the value is plain
   * JSON as JSON.parse makes it (nothing for toPlainJson to change but undefined fields, which
   * JSON.stringify leaves out as it does), so long as Object.prototype has no enumerable field.
   * False says nothing: ask `accepts` of the value made plain.
   */
  readonly acceptsPlain?: (value: unknown) => boolean;
  /** Every field the contract refuses, as zod words it (`items[3].price.amount: ...`); empty when accepted. */
  issues(value: unknown): FieldIssue[];
}

/** The jitless validator: zod itself. */
export function zodValidator(contract: z.ZodType): OutputValidator {
  return {
    accepts: (value) => contract.safeParse(value).success,
    issues(value) {
      const checked = contract.safeParse(value);
      return checked.success ? [] : toFieldIssues(checked.error);
    },
  };
}

/** `/items/3/price` → ['items', 3, 'price']. */
function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** ajv's errors as field issues: a missing or unexpected field at its own path, like toFieldIssues does. */
export function ajvIssues(errors: readonly ErrorObject[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const path = pointerPath(e.instancePath);
    if (e.keyword === 'required') path.push(String((e.params as { missingProperty: string }).missingProperty));
    if (e.keyword === 'additionalProperties') path.push(String((e.params as { additionalProperty: string }).additionalProperty));
    // anyOf repeats its branches' errors at the same path; one issue a path and message is enough.
    const issue = { path: formatPath(path), message: e.keyword === 'additionalProperties' ? 'unexpected field' : (e.message ?? e.keyword) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) out.push(issue);
    seen.add(key);
  }
  return out;
}

/**
 * One ajv instance per ACL: its options make ajv judge as zod does. String lengths are counted in
 * code points by both (keywords.ts; zod 4's `.max` counts code points too), `unicodeRegExp: false`
 * runs patterns without the `u` flag, as zod's regexes run, and fields are read as zod reads them,
 * inherited ones included (`ownProperties: false`: zod accepts an object whose required field
 * comes from its prototype, and an own-properties check also cost a quarter of a page's validation).
 */
export function createAjv(allErrors = false): Ajv2020 {
  return new Ajv2020({ allErrors, strict: false, unicodeRegExp: false, ownProperties: false, validateFormats: false });
}

/** Refinements of every contract compiled on one ajv instance (the keyword is registered once). */
const REFINEMENTS = new WeakMap<Ajv2020, Refinement[]>();

/**
 * The contract compiled by ajv into a JavaScript function (its JSON Schema made by zod). Refusals
 * are explained by zod, the contract's source: its issues are the ones the errors have always
 * carried, and a refusal is the cold path. Should zod accept what ajv refused (a disagreement the
 * tests rule out), ajv's own errors are given instead.
 */
export function ajvValidator(ajv: Ajv2020, contract: z.ZodType): OutputValidator {
  let refinements = REFINEMENTS.get(ajv);
  if (refinements === undefined) REFINEMENTS.set(ajv, (refinements = []));
  addKeywords(ajv, refinements);
  const json = contractJsonSchema(contract);
  const offset = refinements.length;
  refinements.push(...json.refinements);
  const schema = forAjv(offset === 0 ? json.schema : renumber(json.schema, offset));
  const validate: ValidateFunction = ajv.compile(schema);
  const closed = withPlainChecks(schema);
  const plain: ValidateFunction | undefined = closed === undefined ? undefined : ajv.compile(closed);
  return {
    accepts: (value) => validate(value),
    ...(plain === undefined ? {} : { acceptsPlain: (value: unknown) => plain(value) }),
    issues(value) {
      if (validate(value)) return [];
      const checked = contract.safeParse(value);
      if (!checked.success) return toFieldIssues(checked.error);
      return ajvIssues(validate.errors ?? []);
    },
  };
}

/** Shifts REFINE_KEYWORD indexes by `offset` (the predicates of contracts compiled earlier on this ajv). */
function renumber(node: unknown, offset: number): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = key === REFINE_KEYWORD ? (v as number[]).map((i) => i + offset) : walk(v);
    return out;
  };
  return walk(node) as Record<string, unknown>;
}

/** With every error (for the agreement tests, which compare the refused paths of ajv and zod). */
export function ajvAllErrors(contract: z.ZodType): (value: unknown) => FieldIssue[] {
  const ajv = createAjv(true);
  const refinements: Refinement[] = [];
  addKeywords(ajv, refinements);
  const json = contractJsonSchema(contract);
  refinements.push(...json.refinements);
  const validate = ajv.compile(forAjv(json.schema));
  return (value) => (validate(value) ? [] : ajvIssues(validate.errors ?? []));
}
