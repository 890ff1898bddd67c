import type { z } from 'zod';

/**
 * "did you mean" for a key the schema does not know (`methodz` → `methods`), the way commander
 * answers a mistyped flag: the keys the schema allows at that place are found by walking the
 * schema along the path, and the closest one within a few edits is offered.
 */

type Step = PropertyKey;

interface DefLike {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): DefLike {
  return (schema as unknown as { _zod: { def: DefLike } })._zod.def;
}

/** The object schemas that can stand at `path` (several under a union). */
function objectsAt(schema: z.ZodType, path: readonly Step[], depth = 0): z.ZodType[] {
  if (depth > 64) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return def.innerType ? objectsAt(def.innerType, path, depth + 1) : [];
    case 'pipe':
      return def.in ? objectsAt(def.in, path, depth + 1) : [];
    case 'lazy':
      return def.getter ? objectsAt(def.getter(), path, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
  }
  if (path.length === 0) return def.type === 'object' ? [schema] : [];
  const [head, ...rest] = path;
  if (def.type === 'object' && typeof head === 'string') {
    const child = def.shape?.[head];
    return child ? objectsAt(child, rest, depth + 1) : [];
  }
  if (def.type === 'array' && typeof head === 'number' && def.element) return objectsAt(def.element, rest, depth + 1);
  if (def.type === 'record' && def.valueType) return objectsAt(def.valueType, rest, depth + 1);
  return [];
}

/** The keys an object at `path` may have, in the schema's order. */
export function knownKeysAt(schema: z.ZodType, path: readonly Step[]): string[] {
  const keys = objectsAt(schema, path).flatMap((o) => Object.keys(defOf(o).shape ?? {}));
  return [...new Set(keys)];
}

/** Edit distance with transpositions (optimal string alignment), as commander's suggestion uses. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known key closest to `key`, when it is close enough to be a typo (case differences included); else undefined. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    // Commander's rule of thumb: at most 3 edits, and fewer than about 40% of the word.
    if (d > 3 || d / Math.max(candidate.length, 1) >= 0.4 + 1e-9) continue;
    if (!best || d < best.d) best = { key: candidate, d };
  }
  return best?.key;
}

/** The message for a key the object at `path` does not allow, with a suggestion when one is close, else the keys allowed. */
export function unknownKeyMessage(schema: z.ZodType, path: readonly Step[], key: string): string {
  const known = knownKeysAt(schema, path);
  const near = closestKey(key, known);
  if (near !== undefined) return `unknown key "${key}" (did you mean "${near}"?)`;
  return known.length > 0 ? `unknown key "${key}" (allowed here: ${known.join(', ')})` : `unknown key "${key}"`;
}
