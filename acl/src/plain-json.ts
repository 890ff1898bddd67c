/** A JSON value with nothing else attached. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * jsonata answers with arrays that carry `sequence`/`keepSingleton` flags and objects without a
 * prototype; callers and schemas must see plain JSON. Same rules as JSON.stringify (undefined and
 * functions dropped from objects, null in arrays), without the string round trip. `check` sees
 * every object and array first, and may throw.
 */
export function toPlainJson(value: unknown, check?: (value: object) => void): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (check !== undefined) check(value);
      if (Array.isArray(value)) {
        const out: JsonValue[] = new Array<JsonValue>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = toPlainJson(value[i], check) ?? null;
        return out;
      }
      const out: { [key: string]: JsonValue } = {};
      // for...in over own keys visits them in Object.keys order without allocating the key list.
      for (const key in value) {
        if (!hasOwn.call(value, key)) continue;
        const v = toPlainJson((value as Record<string, unknown>)[key], check);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Items of a long list walked between two looks at the clock. */
const SLICE_ITEMS = 256;

/**
 * toPlainJson for answers that may be long pages: a top-level object's long arrays are walked in
 * chunks, and `yielder` may let the event loop go round between them.
 */
export async function toPlainJsonSliced(value: unknown, yielder: () => Promise<void> | undefined, check?: (value: object) => void): Promise<JsonValue | undefined> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return toPlainJson(value, check);
  let long = false;
  for (const key in value) if (hasOwn.call(value, key) && Array.isArray((value as Record<string, unknown>)[key]) && ((value as Record<string, unknown[]>)[key] as unknown[]).length > SLICE_ITEMS) long = true;
  if (!long) return toPlainJson(value, check);
  if (check !== undefined) check(value);
  const out: { [key: string]: JsonValue } = {};
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const field = (value as Record<string, unknown>)[key];
    if (!Array.isArray(field) || field.length <= SLICE_ITEMS) {
      const v = toPlainJson(field, check);
      if (v !== undefined) out[key] = v;
      continue;
    }
    if (check !== undefined) check(field);
    const items: JsonValue[] = new Array<JsonValue>(field.length);
    for (let i = 0; i < field.length; i++) {
      if (i % SLICE_ITEMS === SLICE_ITEMS - 1) await yielder();
      items[i] = toPlainJson(field[i], check) ?? null;
    }
    out[key] = items;
  }
  return out;
}

const OBJECT_PROTOTYPE = Object.prototype;

/**
 * True when `value` is already what toPlainJson would make of it (and holds nothing `check` would
 * refuse): ordinary objects and arrays with no flags, no undefined items, finite numbers. Reads
 * only; the generated evaluator's answers nearly always are, and then need no copy.
 */
export function isPlainJson(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (Array.isArray(value)) {
        const flags = value as { sequence?: unknown; keepSingleton?: unknown; outerWrapper?: unknown; tupleStream?: unknown };
        if (Object.getPrototypeOf(value) !== Array.prototype || flags.sequence !== undefined || flags.keepSingleton !== undefined || flags.outerWrapper !== undefined || flags.tupleStream !== undefined) return false;
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i])) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== OBJECT_PROTOTYPE) return false;
      for (const key in value) {
        if (!hasOwn.call(value, key)) return false;
        if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
