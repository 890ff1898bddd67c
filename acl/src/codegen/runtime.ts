import * as applyModule from '../compiler/apply';
import * as constructors from '../compiler/constructors';
import * as operators from '../compiler/operators';
import * as runModule from '../compiler/run';
import * as values from '../compiler/values';

/**
 * What generated code calls, handed to it as `rt`: the closure compiler's own value helpers
 * (values.ts, apply.ts), so that both evaluators share one port of jsonata's semantics. Frozen;
 * generated code reads it and never writes it.
 */
const { apply, Lambda, TailCall, trampoline } = applyModule;
const { boolize, negate } = operators;
const { newFrame, UNBOUND } = runModule;
const { append, Bailout, collapse, CompiledFn, createSequence, lookup, toBoolean } = values;
const { flattenStep } = constructors;

const hasOwnProperty = Object.prototype.hasOwnProperty;

export const RUNTIME = Object.freeze({
  UNBOUND,
  Lambda,
  TailCall,
  CompiledFn,
  newFrame,
  apply,
  trampoline,
  append,
  collapse,
  createSequence,
  flattenStep,
  toBoolean,
  boolize,
  negate,
  /** Object.prototype.hasOwnProperty itself, called as `rt.hasOwn.call(object, key)`: no wrapper frame on every field read. */
  hasOwn: hasOwnProperty,
  /** Object.prototype, whose fields a plain object's read would find when the object lacks them (paths.ts). */
  OP: Object.prototype,
  protoOf: Object.getPrototypeOf,
  /** `name` on anything but a plain object: fn.lookup (over arrays), collapsed. */
  name: (input: unknown, key: string): unknown => collapse(lookup(input, key)),
  bail(reason: string): never {
    throw new Bailout(reason);
  },
  /** Marks an array built by a path's array constructor (kept whole when the path flattens). */
  cons: (result: unknown[]): unknown[] => Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true }),
});

export type Runtime = typeof RUNTIME;
