import type { CpuMeter } from '../cpu-meter';
import type { GuardrailLimits } from '../guardrails';
import { wrapInput } from '../compiler/evaluator';
import { GENERATED_STRETCH_STEPS, newFrame, Run } from '../compiler/run';
import { isNode, Scope, Unsupported } from '../compiler/scope';
import type { Globals } from '../compiler/variables';
import { Generator } from './generate';
import { RUNTIME } from './runtime';
import { Source } from './source';

/**
 * A mapping compiled to JavaScript source and run through `new Function`, once, at load.
 * `evaluate` is synchronous: it answers jsonata's answer (not yet normalised to plain JSON), or
 * throws a Bailout (jsonata must answer), a Handover (too large a document for an evaluator that
 * cannot park: the time-sliced one takes it) or a GuardrailTrip.
 */
export interface GeneratedEvaluator {
  /** The factory's body, for tests and for anyone who wants to read what runs. */
  readonly source: string;
  evaluate(input: unknown, bindings: readonly unknown[], limits: GuardrailLimits, meter?: CpuMeter): unknown;
}

const monotonicMs = (): number => performance.now();

/**
 * Throws Unsupported when the expression leaves the compiled subset, and EvalError when the process
 * refuses to generate code (`node --disallow-code-generation-from-strings`): the caller then keeps
 * the closure compiler.
 */
export function generateEvaluator(ast: unknown, globals: Globals, clock: () => number = monotonicMs, handoverSteps = GENERATED_STRETCH_STEPS): GeneratedEvaluator {
  if (!isNode(ast)) throw new Unsupported('not a jsonata AST');
  const scope = new Scope(undefined, [], [ast]);
  const out = new Source();
  const source = new Generator(out).program(ast, { scope, depth: 1, globals });
  const factory = new Function('rt', 'k', source) as (rt: typeof RUNTIME, k: readonly unknown[]) => (input: unknown, frame: unknown, run: Run) => unknown;
  const root = factory(RUNTIME, Object.freeze([...out.constants]));
  const size = scope.names.length;
  return {
    source,
    evaluate(input, bindings, limits, meter) {
      const run = new Run(limits, clock, input, bindings, { meter, handoverSteps });
      try {
        return root(wrapInput(input), newFrame(size, undefined), run);
      } finally {
        run.end();
      }
    },
  };
}
