import type jsonata from 'jsonata';

/** Limits applied to every evaluation of one compiled expression. */
export interface GuardrailLimits {
  /** Wall-clock budget of one evaluation, in milliseconds. */
  readonly timeoutMs: number;
  /** Maximum nesting of jsonata evaluation steps (a runaway recursion trips it long before the JS stack). */
  readonly maxDepth: number;
}

/** Thrown from inside a hook; a class without `code`, so jsonata passes it through without rewording it. */
export class GuardrailTrip {
  constructor(
    readonly guardrail: 'timeout' | 'depth',
    readonly limit: number,
  ) {}
}

/**
 * The frame jsonata hands to its hooks. `base` is the one frame shared by a whole evaluation; jsonata
 * counts the evaluation's nesting in `base.depth` (entered before the entry hook, left after the exit hook).
 */
interface HookFrame {
  readonly base: { readonly depth?: number };
}

interface EvaluationState {
  ticks: number;
  deadline: number;
  tripped: GuardrailTrip | undefined;
}

/** The clock costs more than the depth check, so it is read once per this many steps (a power of two). */
const CLOCK_EVERY = 32;

/** jsonata looks its evaluation hook up under this symbol; its typings only admit string names. */
const ENTRY = Symbol.for('jsonata.__evaluate_entry');
type Assign = (name: symbol, value: (expr: unknown, input: unknown, frame: HookFrame) => void) => void;

/**
 * Installs a timeout and a depth limit on a compiled expression through jsonata's evaluation hooks
 * (the way jsonata's own test suite timeboxes expressions). The hooks are installed once, at
 * compile time; their state lives per evaluation, keyed by the evaluation's base frame, so
 * concurrent evaluations of one expression never share a counter or a deadline.
 */
export function installGuardrails(expr: jsonata.Expression, limits: GuardrailLimits, clock: () => number = Date.now): void {
  const states = new WeakMap<object, EvaluationState>();
  // The hook fires on every step; consecutive calls nearly always belong to the same evaluation.
  let lastBase: object | undefined;
  let lastState: EvaluationState | undefined;
  // (lastBase keeps the latest evaluation's frame alive until the next one: one document per mapping.)

  const stateOf = (frame: HookFrame): EvaluationState => {
    if (frame.base === lastBase && lastState !== undefined) return lastState;
    let state = states.get(frame.base);
    if (state === undefined) {
      state = { ticks: 0, deadline: clock() + limits.timeoutMs, tripped: undefined };
      states.set(frame.base, state);
    }
    lastBase = frame.base;
    lastState = state;
    return state;
  };

  const check = (state: EvaluationState, depth: number): void => {
    // Once tripped, every branch still running (jsonata evaluates some in parallel) stops at its next step.
    if (state.tripped !== undefined) throw state.tripped;
    if (depth > limits.maxDepth) throw (state.tripped = new GuardrailTrip('depth', limits.maxDepth));
    if ((++state.ticks & (CLOCK_EVERY - 1)) === 0 && clock() > state.deadline) {
      throw (state.tripped = new GuardrailTrip('timeout', limits.timeoutMs));
    }
  };

  // Only the entry hook: each hook call is awaited by jsonata, and the depth is already counted for us.
  const assign = expr.assign.bind(expr) as unknown as Assign;
  assign(ENTRY, (_expr, _input, frame) => check(stateOf(frame), frame.base.depth ?? 0));
}
