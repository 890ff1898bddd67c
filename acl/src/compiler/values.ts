/**
 * jsonata's value model, ported for the compiled evaluator: sequences are arrays flagged
 * `sequence` (as jsonata flags them), arrays built by a path's array constructor carry a
 * non-enumerable `cons`, and every helper here answers exactly what its jsonata 2.x original
 * answers. Where jsonata would throw, these throw a Bailout instead: the mapping then runs the
 * same document through jsonata itself, which produces the real error with its code and position.
 */

/** The compiled evaluator cannot (or must not) answer this document; jsonata takes over. */
export class Bailout {
  constructor(readonly reason: string) {}
}

/** A function value of the compiled evaluator: a lambda or a built-in. */
export abstract class CompiledFn {
  /** How many arguments a higher-order built-in hands it (jsonata's getFunctionArity). */
  abstract readonly arity: number;
}

export interface SequenceFlags {
  sequence?: boolean;
  keepSingleton?: boolean;
  outerWrapper?: boolean;
  cons?: boolean;
}

export type Sequence = unknown[] & SequenceFlags;

export function createSequence(...items: unknown[]): Sequence {
  const seq: Sequence = items;
  seq.sequence = true;
  return seq;
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/** What jsonata's `evaluate` does to every node's result: empty sequence → undefined, singleton → its item. */
export function collapse(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as Sequence).sequence !== true || !Array.isArray(value)) return value;
  if (value.length === 0) return undefined;
  if (value.length === 1) return (value as Sequence).keepSingleton === true ? value : value[0];
  return value;
}

/** jsonata's isFunction: its own markers (which a JSON document can also carry), native functions and ours. */
export function isFunctionValue(value: unknown): boolean {
  if (typeof value === 'function' || value instanceof CompiledFn) return true;
  if (typeof value !== 'object' || value === null) return false;
  const marked = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return marked._jsonata_function === true || marked._jsonata_lambda === true;
}

/** A document's object carrying jsonata's function markers: jsonata takes it for a function and then trips over it. */
export function isMarkedObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof CompiledFn) && isFunctionValue(value);
}

/** jsonata's isNumeric, including its refusal (D1001) of infinite numbers. */
export function isNumeric(value: unknown): value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) throw new Bailout('number out of range (D1001)');
  return true;
}

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/** fn.lookup: a field of an object, or of every object in an array (results flattened one level). */
export function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (let i = 0; i < input.length; i++) {
      const res = lookup(input[i], key);
      if (res === undefined) continue;
      if (Array.isArray(res)) for (let j = 0; j < res.length; j++) result.push(res[j]);
      else result.push(res);
    }
    return result;
  }
  if (input !== null && typeof input === 'object' && hasOwn(input, key) && !isFunctionValue(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

/** fn.append. */
export function append(first: unknown, second: unknown): unknown {
  if (first === undefined) return second;
  if (second === undefined) return first;
  const head = Array.isArray(first) ? first : createSequence(first);
  return head.concat(Array.isArray(second) ? second : [second]);
}

/** fn.boolean: jsonata's effective boolean value; undefined stays undefined. */
export function toBoolean(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1) return toBoolean(value[0]);
    return value.length > 1 && value.some((item) => toBoolean(item) === true);
  }
  if (typeof value === 'string') return value.length > 0;
  if (isNumeric(value)) return value !== 0;
  if (value !== null && typeof value === 'object' && !isFunctionValue(value)) return Object.keys(value).length > 0;
  return value === true;
}

/** utils.isDeepEqual; functions are left to jsonata (its lambdas compare by their innards). */
export function deepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) return false;
  if (lhs instanceof CompiledFn || rhs instanceof CompiledFn) throw new Bailout('comparing function values');
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (lhs.length !== rhs.length) return false;
    for (let i = 0; i < lhs.length; i++) if (!deepEqual(lhs[i], rhs[i])) return false;
    return true;
  }
  const lkeys = Object.getOwnPropertyNames(lhs).sort();
  const rkeys = Object.getOwnPropertyNames(rhs).sort();
  if (lkeys.length !== rkeys.length) return false;
  for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
  for (const key of lkeys) {
    if (!deepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** fn.type. */
export function typeOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (isNumeric(value)) return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (isFunctionValue(value)) return 'function';
  return 'object';
}

/** fn.string without prettifying, as `&` uses it. */
export function stringOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (isFunctionValue(value)) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Bailout('string of an infinite number (D3001)');
  const subject = Array.isArray(value) && (value as Sequence).outerWrapper === true ? value[0] : value;
  return JSON.stringify(subject, (_key, val: unknown) => {
    if (val !== undefined && val !== null && isNumeric(val)) return Number.isInteger(val) ? val : Number(val.toPrecision(15));
    return val && isFunctionValue(val) ? '' : val;
  });
}
