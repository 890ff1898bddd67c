import { apply, applyOnSpine, Builtin } from './apply';
import type { Run } from './run';
import { append, Bailout, CompiledFn, createSequence, isFunctionValue, stringOf, toBoolean, typeOf } from './values';

/**
 * The jsonata built-ins the compiled evaluator runs itself, each with jsonata's argument checks
 * (its signatures): an argument list jsonata would refuse bails out, so jsonata raises its own error.
 */

/** jsonata's one-letter type of a value in signatures: s n b l a o f, m for missing. */
function symbolOf(value: unknown): string {
  if (isFunctionValue(value)) return 'f';
  if (value === undefined) return 'm';
  if (value === null) return 'l';
  if (Array.isArray(value)) return 'a';
  switch (typeof value) {
    case 'string': return 's';
    case 'number': return 'n';
    case 'boolean': return 'b';
    default: return 'o';
  }
}

function refuse(name: string): never {
  throw new Bailout(`$${name}: arguments jsonata refuses (T0410/T0412)`);
}

function arity(name: string, args: readonly unknown[], count: number): void {
  if (args.length !== count) refuse(name);
}

/** A signature `a` or `a<t>` parameter: undefined stays undefined, a non-array becomes a singleton. */
function arrayArg(name: string, value: unknown, itemType?: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (itemType !== undefined && value.length > 0) {
      const first = symbolOf(value[0]);
      if (first !== itemType || value.some((item) => symbolOf(item) !== first)) refuse(name);
    }
    return value;
  }
  if (itemType !== undefined && symbolOf(value) !== itemType) refuse(name);
  return [value];
}

/** A signature `s-` parameter given explicitly (the context form is left to jsonata). */
function stringArg(name: string, args: readonly unknown[]): string | undefined {
  arity(name, args, 1);
  const value = args[0];
  if (value !== undefined && typeof value !== 'string') refuse(name);
  return value;
}

/** fn.map's argument list for the callback: the value, then index and array when it takes them. */
function callbackArgs(fn: unknown, value: unknown, index: number, array: unknown[]): unknown[] {
  const taken = typeof fn === 'function' ? fn.length : (fn as CompiledFn).arity;
  if (taken >= 3) return [value, index, array];
  return taken >= 2 ? [value, index] : [value];
}

function mapArgs(args: readonly unknown[]): { list: unknown[] | undefined; fn: unknown } {
  arity('map', args, 2);
  const fn = args[1];
  if (typeof fn !== 'function' && !(fn instanceof CompiledFn)) refuse('map');
  return { list: arrayArg('map', args[0]), fn };
}

function map(args: unknown[], run: Run): unknown {
  const { list, fn } = mapArgs(args);
  if (list === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < list.length; i++) {
    const res = apply(fn, callbackArgs(fn, list[i], i, list), null, run, 0);
    if (res !== undefined) result.push(res);
  }
  return result;
}

async function mapOnSpine(args: unknown[], run: Run): Promise<unknown> {
  const { list, fn } = mapArgs(args);
  if (list === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < list.length; i++) {
    if ((i & 7) === 7 && run.due()) await run.park();
    const res = list.length === 1 ? await applyOnSpine(fn, callbackArgs(fn, list[i], i, list), null, run, 0) : apply(fn, callbackArgs(fn, list[i], i, list), null, run, 0);
    if (res !== undefined) result.push(res);
  }
  return result;
}

function merge(args: unknown[]): unknown {
  arity('merge', args, 1);
  const objects = arrayArg('merge', args[0], 'o');
  if (objects === undefined) return undefined;
  const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const obj of objects) for (const key of Object.keys(obj as object)) result[key] = (obj as Record<string, unknown>)[key];
  return result;
}

function sum(args: unknown[]): unknown {
  arity('sum', args, 1);
  const numbers = arrayArg('sum', args[0], 'n');
  if (numbers === undefined) return undefined;
  let total = 0;
  for (const n of numbers) total += n as number;
  return total;
}

function one(name: string, args: readonly unknown[]): unknown {
  arity(name, args, 1);
  return args[0];
}

const BUILTINS: readonly Builtin[] = [
  new Builtin('exists', 1, (args) => one('exists', args) !== undefined),
  new Builtin('type', 1, (args) => typeOf(one('type', args))),
  new Builtin('count', 1, (args) => arrayArg('count', one('count', args))?.length ?? 0),
  new Builtin('sum', 1, sum),
  new Builtin('merge', 1, merge),
  new Builtin('map', 2, map, mapOnSpine),
  new Builtin('boolean', 1, (args) => toBoolean(one('boolean', args))),
  new Builtin('not', 1, (args) => {
    const value = one('not', args);
    return value === undefined ? undefined : !toBoolean(value);
  }),
  new Builtin('append', 2, (args) => {
    arity('append', args, 2);
    return append(args[0], args[1]);
  }),
  new Builtin('string', 1, (args) => stringOf(one('string', args))),
  new Builtin('lowercase', 1, (args) => stringArg('lowercase', args)?.toLowerCase()),
  new Builtin('uppercase', 1, (args) => stringArg('uppercase', args)?.toUpperCase()),
  new Builtin('length', 1, (args) => {
    const text = stringArg('length', args);
    return text === undefined ? undefined : [...text].length;
  }),
];

/** The built-ins compiled mappings may use, by name (without `$`). */
export const COMPILED_BUILTINS: ReadonlyMap<string, Builtin> = new Map(BUILTINS.map((b) => [b.name, b]));

/** Every other name jsonata 2.x binds itself: a mapping that uses one keeps the jsonata evaluator. */
export const JSONATA_ONLY_BUILTINS: ReadonlySet<string> = new Set(
  ('max min average substring substringBefore substringAfter trim pad match contains replace split join formatNumber ' +
    'formatBase formatInteger parseInteger number floor ceil round abs sqrt power random zip filter single reduce sift ' +
    'keys lookup spread reverse each error assert sort shuffle distinct encodeUrlComponent encodeUrl decodeUrlComponent ' +
    'decodeUrl eval toMillis fromMillis clone now millis').split(' '),
);
