import * as applyModule from '../compiler/apply';
import * as operators from '../compiler/operators';
import * as runModule from '../compiler/run';
import * as values from '../compiler/values';

/**
 * What generated code calls, handed to it as `rt`: the closure compiler's own value helpers
 * (values.ts, apply.ts), so that both evaluators share one port of jsonata's semantics. Frozen;
 * generated code reads it and never writes it.
 */
const { apply, Lambda, TailCall } = applyModule;
const { boolize, negate } = operators;
const { newFrame, UNBOUND } = runModule;
const { append, Bailout, collapse, isFunctionValue, isMarkedObject, lookup, toBoolean } = values;

const hasOwnProperty = Object.prototype.hasOwnProperty;

export const RUNTIME = Object.freeze({
  UNBOUND,
  Lambda,
  TailCall,
  newFrame,
  apply,
  append,
  collapse,
  toBoolean,
  boolize,
  negate,
  isFn: isFunctionValue,
  hasOwn: (value: object, key: string): boolean => hasOwnProperty.call(value, key),
  /** `name` on anything but a plain object: fn.lookup (over arrays), collapsed. */
  name: (input: unknown, key: string): unknown => collapse(lookup(input, key)),
  /** `$`: jsonata's `input && input.outerWrapper ? input[0] : input`. */
  context: (input: unknown): unknown => (input && (input as { outerWrapper?: unknown }).outerWrapper ? (input as Record<number, unknown>)[0] : input),
  bail(reason: string): never {
    throw new Bailout(reason);
  },
  /** An argument of a native helper: a function value is left to jsonata. */
  helperArg(value: unknown): unknown {
    if (isFunctionValue(value)) throw new Bailout('a function handed to a native function');
    return value;
  },
  /** A native helper's answer: never a promise; collapsed. */
  helperAnswer(result: unknown): unknown {
    if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') throw new Bailout('a native function answered a promise');
    return collapse(result);
  },
  /** jsonata wraps every argument of a call, and fails (a TypeError) on a document's marked object. */
  checkArgs(args: unknown[]): unknown[] {
    for (const arg of args) if (isMarkedObject(arg)) throw new Bailout('a document object marked as a jsonata function, as an argument');
    return args;
  },
  /** Marks an array built by a path's array constructor (kept whole when the path flattens). */
  cons: (result: unknown[]): unknown[] => Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true }),
});

export type Runtime = typeof RUNTIME;
