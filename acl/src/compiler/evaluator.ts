import type { CpuMeter } from '../cpu-meter';
import type { GuardrailLimits } from '../guardrails';
import { toPlainJson, type JsonValue } from '../plain-json';
import { onSpine, TailCall } from './apply';
import { compileNode } from './compile';
import { newFrame, Run } from './run';
import { isNode, Scope, Unsupported } from './scope';
import type { Globals } from './variables';
import { Bailout, CompiledFn, createSequence, isSequence } from './values';

export { Bailout } from './values';
export { Unsupported } from './scope';
export type { Globals } from './variables';

/**
 * A mapping compiled to closures. `evaluate` answers what jsonata answers for the same document,
 * already as plain JSON (toPlainJson's rules), or rejects with a Bailout (jsonata must answer this
 * one: an error jsonata raises, or a value the compiled subset does not model) or a GuardrailTrip.
 */
export interface CompiledEvaluator {
  evaluate(input: unknown, bindings: readonly unknown[], limits: GuardrailLimits, meter?: CpuMeter): Promise<JsonValue | undefined>;
  /** As `evaluate`, without the walk to plain JSON (the caller does it, time-sliced). */
  evaluateRaw(input: unknown, bindings: readonly unknown[], limits: GuardrailLimits, meter?: CpuMeter): Promise<unknown>;
}

/** Milliseconds, sub-millisecond resolution, never set back. */
const monotonicMs = (): number => performance.now();

/** A function value in the answer: jsonata would serialise its own lambda object there. */
export function refuseFunctions(value: object): void {
  if (value instanceof CompiledFn || value instanceof TailCall) throw new Bailout('a function in the answer');
}

/** jsonata wraps a top-level array so that it is treated as one input. */
export function wrapInput(input: unknown): unknown {
  if (!Array.isArray(input) || isSequence(input)) return input;
  const wrapped = createSequence(input);
  wrapped.outerWrapper = true;
  return wrapped;
}

/**
 * Compiles `ast` (from `jsonata(source).ast()`) once; throws Unsupported when the expression leaves
 * the subset (the caller then keeps jsonata's evaluator for this mapping).
 */
export function compileEvaluator(ast: unknown, globals: Globals, clock: () => number = monotonicMs): CompiledEvaluator {
  if (!isNode(ast)) throw new Unsupported('not a jsonata AST');
  const scope = new Scope(undefined, [], [ast]);
  const root = compileNode(ast, { scope, depth: 1, globals });
  const size = scope.names.length;
  const evaluateRaw = async (input: unknown, bindings: readonly unknown[], limits: GuardrailLimits, meter?: CpuMeter): Promise<unknown> => {
    const run = new Run(limits, clock, input, bindings, { meter });
    try {
      return await onSpine(root, wrapInput(input), newFrame(size, undefined), run);
    } finally {
      run.end();
    }
  };
  return {
    evaluateRaw,
    evaluate: async (input, bindings, limits, meter) => toPlainJson(await evaluateRaw(input, bindings, limits, meter), refuseFunctions),
  };
}
