/**
 * Plainness checked by the compiled validator itself, so that an answer the contract accepts needs
 * no separate walk to prove it is plain JSON (isPlainJson was about a fifth of the ACL's own cost
 * on a product page).
 *
 * A *closed* schema says of every value it accepts what JSON type it has: each object lists its
 * properties and allows no other (`additionalProperties: false`), each array says what its items
 * are, each scalar has a JSON type or is one of a list of scalars. Such a schema, with PLAIN_KEYWORD
 * on every node, accepts a value only when every object and array in it is what JSON.parse makes
 * (Object.prototype or Array.prototype, no jsonata flags) and every number is finite: as
 * isPlainJson would say, so long as Object.prototype has no enumerable field (then a for-in over an
 * object lists its own fields only; `enumerableOnPrototype` is asked once per answer).
 */

/**
 * The keyword ajv checks on the nodes of a closed schema whose type admits a number, an array or an
 * object: the value there, of those kinds, is plain (`isPlainNode`). Its value lists the kinds.
 */
export const PLAIN_KEYWORD = 'x-plain';

const OBJECT_PROTOTYPE = Object.prototype;
const ARRAY_PROTOTYPE = Array.prototype;

/** The value itself (not what it holds) is as JSON.parse makes it: a finite number, a flagless array, an ordinary object, or any other JSON scalar. */
export function isPlainNode(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    const flags = value as { sequence?: unknown; keepSingleton?: unknown; outerWrapper?: unknown; tupleStream?: unknown };
    return Object.getPrototypeOf(value) === ARRAY_PROTOTYPE && flags.sequence === undefined && flags.keepSingleton === undefined && flags.outerWrapper === undefined && flags.tupleStream === undefined;
  }
  return Object.getPrototypeOf(value) === OBJECT_PROTOTYPE;
}

/** Whether Object.prototype has an enumerable field (none has, unless code added one): then no schema proves plainness. */
export function enumerableOnPrototype(): boolean {
  for (const _key in OBJECT_PROTOTYPE) return true;
  return false;
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/** Keywords that only judge (never let a value of another kind through, nor reach into one). */
const JUDGING = new Set([
  'type', 'required', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'format', 'x-code-points', 'x-zod-refine', 'x-fixed-pattern',
  // Annotations.
  '$schema', 'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly', 'deprecated',
]);

const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * The schema with PLAIN_KEYWORD on every node, when it is closed (above); undefined when any node
 * is open (`{}`, an object without `additionalProperties: false`, an array without `items`, a
 * `$ref`, `not`, `if`, keywords this function does not know): such a contract proves nothing, and
 * its answers are walked by isPlainJson as before. A new object; the input is left alone.
 */
export function withPlainChecks(node: unknown): Record<string, unknown> | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let typed = false;
  for (const [key, value] of Object.entries(source)) {
    if (key === 'type') {
      const types = Array.isArray(value) ? value : [value];
      if (types.length === 0 || !types.every((t) => typeof t === 'string' && JSON_TYPES.has(t))) return undefined;
      if (types.includes('object') && source['additionalProperties'] !== false) return undefined;
      if (types.includes('array') && source['items'] === undefined) return undefined;
      typed = true;
      out[key] = value;
    } else if (key === 'enum' || key === 'const') {
      const values = key === 'enum' ? value : [value];
      if (!Array.isArray(values) || !values.every(isScalar)) return undefined;
      typed = true;
      out[key] = value;
    } else if (key === 'properties') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const properties: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) {
        const checked = withPlainChecks(sub);
        if (checked === undefined) return undefined;
        properties[name] = checked;
      }
      out[key] = properties;
    } else if (key === 'items') {
      const checked = withPlainChecks(value);
      if (checked === undefined) return undefined;
      out[key] = checked;
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') {
      if (!Array.isArray(value) || value.length === 0) return undefined;
      const branches = value.map(withPlainChecks);
      if (branches.some((b) => b === undefined)) return undefined;
      // Every branch closed: whichever accepts the value (allOf: each does), the value is plain.
      typed = true;
      out[key] = branches;
    } else if (key === 'additionalProperties') {
      if (value !== false) return undefined;
      out[key] = value;
    } else if (JUDGING.has(key)) {
      out[key] = value;
    } else {
      return undefined;
    }
  }
  // A node that says nothing of the value's type lets anything through: open.
  if (!typed) return undefined;
  const types = out['type'] === undefined ? [] : Array.isArray(out['type']) ? (out['type'] as string[]) : [out['type'] as string];
  if (out['properties'] !== undefined && !types.includes('object')) return undefined;
  // What this node's own type lets through that may not be plain; strings, booleans and null always are (enum and const are scalars).
  const kinds = PLAIN_KINDS.filter((kind) => types.includes(kind) || (kind === 'number' && types.includes('integer')));
  if (kinds.length > 0) out[PLAIN_KEYWORD] = kinds;
  return out;
}

/** The kinds of value PLAIN_KEYWORD checks at a node: finite numbers, flagless arrays, ordinary objects. */
export const PLAIN_KINDS = ['number', 'array', 'object'] as const;
export type PlainKind = (typeof PLAIN_KINDS)[number];
