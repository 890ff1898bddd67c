import { z } from 'zod';

/** The keyword that carries a zod `.refine` into the JSON Schema: its value indexes `refinements`. */
export const REFINE_KEYWORD = 'x-zod-refine';

/** A zod refinement as JSON Schema cannot say it: the predicate itself, run by the compiled validator. */
export type Refinement = (value: unknown) => unknown;

export interface ContractJsonSchema {
  readonly schema: Record<string, unknown>;
  /** The contract's `.refine` predicates, by the index REFINE_KEYWORD gives. */
  readonly refinements: readonly Refinement[];
}

interface CustomCheck {
  readonly _zod: { readonly def: { readonly check: string; readonly fn?: unknown } };
}

/** The `.refine` / `.superRefine` predicates zod keeps on a schema (zod 4 stores them as checks of kind `custom`). */
function refinementsOf(schema: unknown): Refinement[] {
  const checks = (schema as { _zod?: { def?: { checks?: readonly CustomCheck[] } } })._zod?.def?.checks ?? [];
  const out: Refinement[] = [];
  for (const check of checks) {
    if (check._zod.def.check !== 'custom') continue;
    const fn = check._zod.def.fn;
    // A `.superRefine` keeps no predicate of the value alone (it reports through a context): the
    // schema it sits on is asked instead, by zod, for the values that reach it.
    out.push(typeof fn === 'function' ? (fn as Refinement) : (value) => (schema as z.ZodType).safeParse(value).success);
  }
  return out;
}

/**
 * The JSON Schema of a zod contract (zod 4's toJSONSchema), for ajv. zod leaves refinements out of
 * it, which would make the compiled validator accept what zod refuses (`IsoInstantSchema`'s "must be
 * a real date"): each `.refine` is carried over as REFINE_KEYWORD pointing at the predicate itself.
 * Anything else JSON Schema cannot say (transforms, custom types) fails here, at load.
 */
export function contractJsonSchema(contract: z.ZodType): ContractJsonSchema {
  const refinements: Refinement[] = [];
  const schema = z.toJSONSchema(contract, {
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    io: 'output',
    override: (ctx) => {
      const found = refinementsOf(ctx.zodSchema);
      if (found.length === 0) return;
      const json = ctx.jsonSchema as Record<string, unknown>;
      json[REFINE_KEYWORD] = found.map((fn) => refinements.push(fn) - 1);
    },
  }) as Record<string, unknown>;
  return { schema, refinements };
}

/** Keywords whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/**
 * `node` rebuilt from the leaves up: each object, its children already rebuilt, is what `rewrite`
 * answers for it (a new object; the input is left alone). The values of data keywords are kept as
 * they are. What the validators' schema rewrites (keywords.ts, fixed-pattern.ts) share.
 */
export function rewriteSchema(node: unknown, rewrite: (rebuilt: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteSchema(n, rewrite));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) out[key] = DATA_KEYWORDS.has(key) ? value : rewriteSchema(value, rewrite);
  return rewrite(out);
}
